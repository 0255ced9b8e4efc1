"""A build killed with SIGKILL at any point leaves the previous build complete and verifiable."""
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO, built_copy, run_cli, snapshot

# (kill point, the commands of one full build, the first of which are run before the killed one)
POINTS = [("tables", "build"), ("write", "build"), ("publish", "build"), ("db", "db"), ("docs", "docs")]
CHAIN = ("build", "db", "docs")


def published(root):
    """Every published file. Hidden names (.stage-*, .site-*, *.tmp-*) are a killed run's scratch,
    and build/docs-src/ is the generated Markdown mkdocs reads, not something users open."""
    return {k: v for k, v in snapshot(root).items()
            if not any(part.startswith(".") for part in k.split("/")) and not k.startswith("build/docs-src/")}


@pytest.mark.parametrize("point, command", POINTS, ids=[p for p, _ in POINTS])
def test_killed_build_keeps_the_previous_one(point, command, tmp_path):
    root = built_copy(tmp_path / "mini", *CHAIN)
    before = published(root)
    events = root / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("A US convoy leaves.", "A US convoy left."), encoding="utf-8")
    for earlier in CHAIN[: CHAIN.index(command)]:
        assert run_cli(earlier, "--root", root)[0] == 0
    expected = published(root)  # the earlier arrows of this run have published their part
    env = {**os.environ, "SCRIPTS_KILL_AT": point}
    result = subprocess.run([sys.executable, "-m", "scripts", command, "--root", str(root)], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL
    assert published(root) == expected
    assert run_cli("verify", "--root", root)[0] == 0
    if command == "build":
        assert expected == before
    # The next run succeeds, publishes the change and clears what the killed one left.
    for later in CHAIN[CHAIN.index(command):]:
        assert run_cli(later, "--root", root)[0] == 0
    assert published(root) != before
    assert [p.name for p in (root / "build").iterdir() if p.name.startswith((".stage-", ".site-", ".cookbook-"))
            or ".tmp-" in p.name or ".old-" in p.name] == []
