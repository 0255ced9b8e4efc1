"""A build killed with SIGKILL at any point leaves the previous build complete and verifiable."""
import os
import signal

import pytest

from tests.conftest import built_copy, run_cli, snapshot
from tests.forked import Forked, run_forked

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
    result = run_forked(command, "--root", root, env={"SCRIPTS_KILL_AT": point})
    assert result.returncode == -signal.SIGKILL
    assert published(root) == expected
    assert run_cli("verify", "--root", root)[0] == 0
    if command == "build":
        assert expected == before
    # The next run of the killed command succeeds, publishes the change and clears what the killed
    # one left (the arrows after it only read what it publishes).
    assert run_cli(command, "--root", root)[0] == 0
    assert published(root) != before
    assert [p.name for p in (root / "build").iterdir() if p.name.startswith((".stage-", ".site-", ".cookbook-"))
            or ".tmp-" in p.name or ".old-" in p.name] == []


def test_a_second_writer_stops_while_the_first_holds_the_lock(tmp_path):
    import fcntl

    root = built_copy(tmp_path / "mini", "build")
    before = snapshot(root)
    fd = os.open(root / "build" / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.pwrite(fd, b"4242", 0)
        for command in ("build", "db", "docs", "package"):
            code, out, err = run_cli(command, "--root", root)
            assert code == 1 and "another build is running" in err and "pid 4242" in err, command
    finally:
        os.close(fd)
    assert snapshot(root) == before
    assert run_cli("build", "--root", root)[0] == 0  # the lock went with its holder


def test_concurrent_builds_never_break_the_published_data(tmp_path):
    root = built_copy(tmp_path / "mini", "build")
    events = root / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("A US convoy leaves.", "A US convoy left."), encoding="utf-8")
    for _ in range(3):
        runs = [Forked("build", "--root", root) for _ in range(2)]
        results = [(done.returncode, done.stderr) for done in (run.wait() for run in runs)]
        assert all(code == 0 or (code == 1 and "another build is running" in err) for code, err in results), results
        assert any(code == 0 for code, _ in results)
        assert run_cli("verify", "--root", root)[0] == 0


def test_a_full_disk_is_one_line_and_publishes_nothing(tmp_path, monkeypatch):
    import errno

    from scripts.pipeline import write

    root = built_copy(tmp_path / "mini", "build")
    before = published(root)
    events = root / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("A US convoy leaves.", "A US convoy left."), encoding="utf-8")

    def full(table, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setitem(write.WRITERS, "parquet", full)
    code, out, err = run_cli("build", "--root", root, "--no-cache")
    assert code == 1 and err.startswith("error: No space left on device: ") and len(err.strip().splitlines()) == 1
    assert published(root) == before
