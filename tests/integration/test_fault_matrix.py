"""The fault matrix of publishing (issue 16): a build SIGKILLed at every step of publishing,
with unchanged and with changed input, and a full disk (ENOSPC) injected at every step that
writes. Every case leaves build/data resolvable beside the manifest that describes it, a
dataset `verify` accepts that is either the old one or the new one, and a next build that
succeeds and repairs what the fault left (a stale root datapackage.json, scratch folders)."""
import json
import signal

import pytest

from scripts.pipeline.generation import as_root, generation, manifest_path
from tests.conftest import built_copy, run_cli, snapshot
from tests.forked import run_forked

KILL_POINTS = ("tables", "write", "describe", "publish", "swap", "manifest", "cleanup")
ENOSPC_POINTS = ("write", "describe", "publish", "swap", "manifest")


def data_files(root):
    """The published dataset as readers see it: build/data/* and the manifest beside them."""
    folder = generation(root)
    assert folder is not None and (root / "build/data").is_dir(), "build/data does not resolve to a generation"
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert set(files) >= {"datapackage.json", "data/events.csv", "data/events.parquet"}
    return files


def change(root):
    events = root / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("A US convoy leaves.", "A US convoy left."), encoding="utf-8")


def run_build(root, **env):
    return run_forked("build", "--root", root, env=env)


def assert_sound(root, allowed):
    """build/data resolves, its manifest verifies, and the dataset is one of `allowed`."""
    assert data_files(root) in allowed
    code, out, err = run_cli("verify", "--root", root)
    assert code == 0, err


def assert_repaired(root):
    """A build without faults succeeds, rewrites a stale root manifest, and clears scratch."""
    code, out, err = run_cli("build", "--root", root)
    assert code == 0, err
    published = json.loads(manifest_path(root).read_text(encoding="utf-8"))
    assert json.loads((root / "datapackage.json").read_text(encoding="utf-8")) == as_root(published)
    assert run_cli("verify", "--root", root)[0] == 0
    build = root / "build"
    assert sorted(p.name for p in build.iterdir() if p.name.startswith((".stage-", ".data")) or ".tmp-" in p.name) == \
        [generation(root).name]
    assert list(root.glob(".datapackage.json.tmp-*")) == []


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory):
    """The dataset built from the fixture, and built after the change."""
    root = built_copy(tmp_path_factory.mktemp("ref") / "mini", "build")
    old = data_files(root)
    change(root)
    assert run_cli("build", "--root", root)[0] == 0
    return old, data_files(root)


@pytest.mark.slow
@pytest.mark.parametrize("changed", [False, True], ids=["unchanged", "changed"])
@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_kill_at_any_step_leaves_a_verifiable_dataset(point, changed, before_and_after, tmp_path):
    old, new = before_and_after
    root = built_copy(tmp_path / "mini", "build")
    if changed:
        change(root)
    result = run_build(root, SCRIPTS_KILL_AT=point)
    if changed:  # unchanged data skips the steps that would replace the live generation
        assert result.returncode == -signal.SIGKILL, result.stderr
    else:
        assert result.returncode in (0, -signal.SIGKILL), result.stderr
    assert_sound(root, [old, new] if changed else [old])
    assert_repaired(root)
    assert data_files(root) == (new if changed else old)


@pytest.mark.slow
@pytest.mark.parametrize("point", ENOSPC_POINTS)
def test_a_full_disk_at_any_step_is_one_line_and_leaves_a_verifiable_dataset(point, before_and_after, tmp_path,
                                                                             monkeypatch):
    old, new = before_and_after
    root = built_copy(tmp_path / "mini", "build")
    change(root)
    before = snapshot(root)
    with monkeypatch.context() as m:  # in this process: an error, unlike a kill, needs no process of its own
        m.setenv("SCRIPTS_ENOSPC_AT", point)
        code, _, err = run_cli("build", "--root", root)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith("error: No space left on device: "), err
    if point == "manifest":  # after the commit point: the data is out, the root manifest is not
        assert "build/data was published, but the datapackage.json at the project root is stale" in lines[0]
        assert_sound(root, [new])
    else:  # nothing left behind either: no staging folder, no generation it did not switch to
        assert lines[0].endswith("nothing was published")
        assert_sound(root, [old])
        assert snapshot(root) == before
    assert_repaired(root)


def test_republishing_unchanged_data_keeps_the_live_folder(tmp_path):
    """The same data again: the generation build/data points to is kept as it is (it used to be
    removed before the swap, so a kill there left build/data dangling)."""
    root = built_copy(tmp_path / "mini", "build")
    live = generation(root)
    inode = live.stat().st_ino
    assert run_cli("build", "--root", root)[0] == 0
    assert generation(root) == live and live.stat().st_ino == inode


def test_a_damaged_live_generation_is_replaced_not_kept(tmp_path):
    """Same input, but a published file was changed by hand: the build publishes the data
    again under the digest's second name, then removes the damaged folder."""
    root = built_copy(tmp_path / "mini", "build")
    live = generation(root)
    path = root / "build/data/places.csv"
    path.write_bytes(path.read_bytes().replace(b"Iraq", b"Irak"))
    assert run_cli("verify", "--root", root)[0] == 1
    assert run_cli("build", "--root", root)[0] == 0
    assert generation(root).name == live.name + "-b" and not live.exists()
    assert run_cli("verify", "--root", root)[0] == 0


def test_a_stale_root_manifest_does_not_mislead_readers(tmp_path):
    """Killed between the swap and the root manifest: verify, db and the release archive read
    the generation's manifest, so they see the data that is published."""
    from scripts.publish.archive import archive_descriptor

    root = built_copy(tmp_path / "mini", "build")
    stale = (root / "datapackage.json").read_bytes()
    change(root)
    assert run_build(root, SCRIPTS_KILL_AT="manifest").returncode == -signal.SIGKILL
    assert (root / "datapackage.json").read_bytes() == stale
    for command in ("verify", "db"):
        code, out, err = run_cli(command, "--root", root)
        assert code == 0, f"{command}: {err}"
    published = json.loads(manifest_path(root).read_text(encoding="utf-8"))
    shipped = archive_descriptor(root, texts=False)
    assert [r["hash"] for r in shipped["resources"]] == [r["hash"] for r in published["resources"]]
    assert [r["hash"] for r in json.loads(stale)["resources"]] != [r["hash"] for r in published["resources"]]
