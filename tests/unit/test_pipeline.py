"""The per-file pipeline: parallel and serial agree, and the row cache never changes a result."""
import shutil

import pytest

from scripts.errors import DataError
from scripts.pipeline.runner import PARALLEL_FROM, check
from tests.conftest import REPO, snapshot

A = "annotations/sources/outlet-a-2025-08-19.yaml"


def rows(built):
    return {name: table.to_pylist() for name, table in built.tables.items()}


def test_many_files_in_parallel_give_the_same_rows(mini):
    template = (mini / A).read_text(encoding="utf-8")
    for i in range(PARALLEL_FROM):
        shutil.copy(mini / "articles/a.txt", mini / f"articles/copy{i}.txt")
        (mini / f"annotations/sources/copy-{i}.yaml").write_text(
            template.replace("outlet-a-2025-08-19", f"copy-{i}").replace("articles/a.txt", f"articles/copy{i}.txt")
            .replace("a-m", f"c{i}-m").replace("outlet-a-2025-08-19-f01", f"c{i}-f1").replace("attributed_to: a-security-source", "attributed_to: outlet-a"),
            encoding="utf-8")
    parallel = check(mini, use_cache=False)
    assert parallel.stats["files_read"] == PARALLEL_FROM + 5
    import scripts.pipeline.runner as pipeline

    saved, pipeline.PARALLEL_FROM = pipeline.PARALLEL_FROM, 10**9
    try:
        serial = check(mini, use_cache=False)
    finally:
        pipeline.PARALLEL_FROM = saved
    assert rows(parallel) == rows(serial)
    assert len(parallel.tables["sources"]) == PARALLEL_FROM + 2
    assert parallel.tables["mentions"].column("char_start").to_pylist() == serial.tables["mentions"].column("char_start").to_pylist()


def test_unchanged_files_come_from_the_cache_with_the_same_rows(mini):
    cold = check(mini)
    assert (cold.stats["files_read"], cold.stats["files_from_cache"]) == (5, 0)
    warm = check(mini)
    assert (warm.stats["files_read"], warm.stats["files_from_cache"]) == (0, 5)
    assert rows(warm) == rows(cold)
    text = (mini / A).read_text(encoding="utf-8")
    (mini / A).write_text(text.replace("quote_en: a US convoy set off yesterday", "quote_en: a US convoy left yesterday"),
                          encoding="utf-8")
    edited = check(mini)
    assert (edited.stats["files_read"], edited.stats["files_from_cache"]) == (1, 4)
    assert "a US convoy left yesterday" in edited.tables["mentions"].column("quote_en").to_pylist()
    assert rows(edited) == rows(check(mini, use_cache=False))


def test_a_changed_article_is_never_taken_from_the_cache(mini):
    check(mini)
    (mini / "articles/a.txt").write_bytes((mini / "articles/a.txt").read_bytes() + b"\n")
    with pytest.raises(DataError) as e:
        check(mini)
    assert [(p.path, "article_sha256 does not match articles/a.txt" in p.message) for p in e.value.problems] == [(A, True)]


def test_a_failed_build_keeps_the_cache_of_good_files_and_build_data(mini):
    from tests.conftest import run_cli

    assert run_cli("build", "--root", str(mini))[0] == 0
    before = snapshot(mini)
    text = (mini / A).read_text(encoding="utf-8")
    (mini / A).write_text(text.replace("event_id: first-convoy", "event_id: first-convoi"), encoding="utf-8")
    assert run_cli("build", "--root", str(mini))[0] == 1
    assert snapshot(mini) == before
    assert (mini / "build/cache/current/files.arrow").is_file()
    (mini / A).write_text(text, encoding="utf-8")
    again = check(mini)  # only the file edited back is read again
    assert (again.stats["files_read"], again.stats["files_from_cache"]) == (1, 4)


def test_a_damaged_cache_is_ignored(mini):
    cold = check(mini)
    (mini / "build/cache/current/base/mentions.arrow").write_bytes(b"not arrow")
    warm = check(mini)
    assert warm.stats["files_read"] == 5 and rows(warm) == rows(cold)


def test_a_rebuild_from_the_cache_writes_the_same_bytes_as_a_cold_build(mini):
    from tests.conftest import run_cli

    assert run_cli("build", "--root", str(mini))[0] == 0
    text = (mini / A).read_text(encoding="utf-8")
    text = text.replace("quote_en: a US convoy set off yesterday", "quote_en: a US convoy left yesterday")
    first = text.index("  - mention_id: outlet-a-2025-08-19-m01")  # drop m01 and renumber m02: a row moves in key order
    text = text[:first] + text[text.index("  - mention_id: outlet-a-2025-08-19-m02"):]
    text = text.replace("mention_id: outlet-a-2025-08-19-m02", "mention_id: outlet-a-2025-08-19-m01")
    (mini / A).write_text(text, encoding="utf-8")
    events = mini / "annotations" / "events.yaml"  # m01 was the plan's one planned mention: the plan now has only its outcome
    events.write_text(events.read_text(encoding="utf-8").replace("status: superseded", "status: occurred"), encoding="utf-8")
    assert run_cli("build", "--root", str(mini))[0] == 0
    warm = snapshot(mini)
    assert run_cli("build", "--root", str(mini), "--no-cache")[0] == 0
    assert snapshot(mini) == warm


def test_merging_into_the_cached_order_equals_sorting():
    """Drop some rows of a sorted table and add others: the merge gives the sort's rows and order."""
    import random

    import pyarrow as pa

    from scripts.metadata import load_tables
    from scripts.pipeline.tables import in_key_order, merged_in_key_order

    built = check(REPO, use_cache=False, save_cache=False)  # reads the corpus, writes nothing
    rng = random.Random(3)
    for name in ("mentions", "names", "citations", "places"):
        schema, table = load_tables()[name], built.tables[name]
        rows = table.to_pylist()
        for trial in range(20):
            drop = sorted(rng.sample(range(len(rows)), rng.randint(0, min(5, len(rows)))))
            new = [dict(rows[i]) for i in rng.sample(range(len(rows)), rng.randint(0, 4))]
            for row in new:
                row[schema.primary_key[0]] = row[schema.primary_key[0]] + rng.choice(["", "-x", "0"]) \
                    if isinstance(row[schema.primary_key[0]], str) else row[schema.primary_key[0]]
            new_table = pa.Table.from_pylist(new, schema=table.schema)
            merged = merged_in_key_order(schema, table, drop, new_table)
            kept = table.take([i for i in range(len(rows)) if i not in set(drop)])
            expected = in_key_order(schema, pa.concat_tables([kept, new_table]))
            keys = schema.primary_key
            assert merged.select(keys).to_pylist() == expected.select(keys).to_pylist(), (name, trial)
            assert sorted(map(str, merged.to_pylist())) == sorted(map(str, expected.to_pylist())), (name, trial)


def test_settled_files_are_recognised_by_their_stat_and_others_by_hash(mini, monkeypatch):
    import os
    import time

    import scripts.pipeline.cache as cache

    hashed = []
    real_hash = cache._sha256_all
    monkeypatch.setattr(cache, "_sha256_all", lambda root, files: hashed.extend(root / rel for rel, _ in files) or real_hash(root, files))
    monkeypatch.setattr(cache, "SETTLED_NS", 2 * 10**8)  # the change time cannot be set back: wait for it instead
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in [*(mini / "annotations").rglob("*.yaml"), *(mini / "articles").glob("*.txt")]:
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    time.sleep(0.3)
    check(mini)
    warm = check(mini)
    assert (warm.stats["files_read"], hashed) == (0, [])  # nothing hashed: every stat is as recorded

    text = (mini / A).read_text(encoding="utf-8")  # same size, other bytes: the time tells
    (mini / A).write_text(text.replace("a US convoy set off", "a US convoy set of!"), encoding="utf-8")
    edited = check(mini)
    assert edited.stats["files_read"] == 1 and "a US convoy set of! yesterday" in edited.tables["mentions"].column("quote_en").to_pylist()

    b = mini / "annotations/sources/outlet-b-2026-01-19.yaml"
    os.utime(b, ns=(an_hour_ago + 10**9, an_hour_ago + 10**9))  # touched, same bytes: hashed once, then known again
    time.sleep(0.3)
    hashed.clear()
    assert check(mini).stats["files_read"] == 0 and b in hashed
    hashed.clear()
    assert check(mini).stats["files_read"] == 0 and b not in hashed


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(mini, monkeypatch):
    """`cp -p` / `touch -r` put the old modification time back; the change time still moves."""
    import os
    import time

    import scripts.pipeline.cache as cache

    monkeypatch.setattr(cache, "SETTLED_NS", 2 * 10**8)
    time.sleep(0.3)
    check(mini)
    before = os.stat(mini / A)
    text = (mini / A).read_text(encoding="utf-8")
    (mini / A).write_text(text.replace("a US convoy set off", "a US convoy set of!"), encoding="utf-8")
    os.utime(mini / A, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(mini / A).st_size, os.stat(mini / A).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    time.sleep(0.3)
    edited = check(mini)
    assert edited.stats["files_read"] == 1
    assert "a US convoy set of! yesterday" in edited.tables["mentions"].column("quote_en").to_pylist()


def test_small_edits_are_saved_as_a_delta_beside_an_untouched_base(mini, monkeypatch):
    import pyarrow.ipc as ipc

    import scripts.pipeline.runner as pipeline

    base = mini / "build/cache/current/base/mentions.arrow"
    delta = mini / "build/cache/current/delta/mentions.arrow"

    def delta_paths():
        return sorted(set(ipc.open_file(str(delta)).read_all().column("_path").to_pylist()))

    check(mini)
    inode = base.stat().st_ino
    B = "annotations/sources/outlet-b-2026-01-19.yaml"
    for step, (path, old, new) in enumerate([(A, "set off yesterday", "left yesterday"),
                                             (B, "quote_en: ", "quote_en: (b) "),
                                             (A, "left yesterday", "went yesterday")]):
        text = (mini / path).read_text(encoding="utf-8")
        (mini / path).write_text(text.replace(old, new, 1), encoding="utf-8")
        warm = check(mini)
        assert rows(warm) == rows(check(mini, use_cache=False)), step
        assert base.stat().st_ino == inode  # the base was linked, not written again
        assert delta_paths() == sorted({A, B} if step else {A})
    monkeypatch.setattr(pipeline, "DELTA_UP_TO", 0)  # a large change: the cache is written in full
    text = (mini / A).read_text(encoding="utf-8")
    (mini / A).write_text(text.replace("went yesterday", "set off yesterday"), encoding="utf-8")
    full = check(mini)
    assert base.stat().st_ino != inode and delta_paths() == []
    assert rows(full) == rows(check(mini, use_cache=False))
