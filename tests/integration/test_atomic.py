"""A build killed with SIGKILL at any point leaves the previous build complete and verifiable."""
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO, run_cli, snapshot

POINTS = ["tables", "write", "publish"]


def run_killed(root, point):
    env = {**os.environ, "SCRIPTS_KILL_AT": point}
    return subprocess.run([sys.executable, "-m", "scripts", "build", "--root", str(root)], cwd=REPO, env=env,
                          capture_output=True, text=True)


@pytest.mark.parametrize("point", POINTS)
def test_killed_build_keeps_the_previous_one(point, mini):
    assert run_cli("build", "--root", mini)[0] == 0
    before = snapshot(mini)
    events = mini / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("A US convoy leaves.", "A US convoy left."), encoding="utf-8")
    result = run_killed(mini, point)
    assert result.returncode == -signal.SIGKILL
    after = snapshot(mini)
    assert {k: v for k, v in after.items() if "/.stage-" not in k} == before
    assert run_cli("verify", "--root", mini)[0] == 0
    # The next build succeeds, publishes the change and clears what the killed one left.
    assert run_cli("build", "--root", mini)[0] == 0
    assert snapshot(mini) != before
    assert [p.name for p in (mini / "build").iterdir() if p.name.startswith(".stage-")] == []
