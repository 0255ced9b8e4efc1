import hashlib

import yaml

from tests.conftest import run_cli


def test_new_source_scaffolds_and_refuses_to_overwrite(mini):
    article = mini / "articles/c_new.txt"
    article.write_text("نص جديد\n", encoding="utf-8")
    code, out, err = run_cli("new-source", "--root", mini, "articles/c_new.txt", "--id", "outlet-c-2026-02")
    assert code == 0, err
    target = mini / "annotations/sources/outlet-c-2026-02.yaml"
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert doc["source"]["article_path"] == "articles/c_new.txt"
    assert doc["source"]["article_sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert "(8 characters)" in target.read_text(encoding="utf-8")
    assert doc["mentions"] == [] and doc["figures"] == [] and doc["citations"] == []
    before = target.read_bytes()
    code, _, err = run_cli("new-source", "--root", mini, "articles/c_new.txt", "--id", "outlet-c-2026-02")
    assert code == 2 and "refusing to overwrite" in err and target.read_bytes() == before


def test_new_source_refuses_an_article_already_annotated(mini):
    code, _, err = run_cli("new-source", "--root", mini, "articles/a.txt", "--id", "other")
    assert code == 2 and "already annotates articles/a.txt" in err


def test_scaffold_fails_check_until_filled_in(mini):
    (mini / "articles/c_new.txt").write_text("نص\n", encoding="utf-8")
    run_cli("new-source", "--root", mini, "articles/c_new.txt", "--id", "outlet-c")
    code, _, err = run_cli("check", "--root", mini)
    assert code == 1 and "annotations/sources/outlet-c.yaml" in err and "TODO" in err
