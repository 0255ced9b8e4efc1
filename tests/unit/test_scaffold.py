"""new-source: the scaffold is written from the annotation schema, and check names every placeholder."""
import hashlib
import json

import yaml

from scripts.curate.scaffold import ARTICLE_NAME, SCHEMA_LINE
from scripts.metadata import annotation_schema
from tests.conftest import REPO, run_cli

NEW = "articles/000_0123456789abcdef.txt"


def scaffold(mini, name=NEW, source_id="outlet-c-2026-02"):
    (mini / name).write_text("نص جديد\n", encoding="utf-8")
    return run_cli("new-source", "--root", mini, name, "--id", source_id)


def test_new_source_scaffolds_and_refuses_to_overwrite(mini):
    code, out, err = scaffold(mini)
    assert code == 0, err
    target = mini / "annotations/sources/outlet-c-2026-02.yaml"
    text = target.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["source"]["article_path"] == NEW
    assert doc["source"]["article_sha256"] == hashlib.sha256((mini / NEW).read_bytes()).hexdigest()
    assert "(8 characters)" in text and text.startswith(SCHEMA_LINE + "\n")
    assert doc["mentions"] == [] and doc["figures"] == [] and doc["citations"] == []
    before = target.read_bytes()
    code, _, err = scaffold(mini)
    assert code == 2 and "refusing to overwrite" in err and target.read_bytes() == before


def test_every_value_is_quoted_and_every_optional_field_listed(mini):
    scaffold(mini)
    text = (mini / "annotations/sources/outlet-c-2026-02.yaml").read_text(encoding="utf-8")
    source = annotation_schema()["$defs"]["source_file"]["properties"]["source"]
    for line in text.splitlines():
        if line.startswith("  ") and ": " in line and not line.lstrip().startswith("#"):
            value = line.split(": ", 1)[1].split("    #")[0]
            assert value.startswith('"') and value.endswith('"'), line
    for field in set(source["properties"]) - set(source["required"]):
        assert f"  # {field}: ...    # optional: " in text, field
    for section in ("citations", "mentions", "figures", "names"):
        item = annotation_schema()["$defs"]["source_file"]["properties"][section]["items"]
        assert all(f"#   {f}: " in text or f"#   # {f}: " in text for f in item["properties"]), section


def test_the_editor_schema_points_into_the_annotation_schema():
    path = REPO / "schemas" / "editor" / "source-file.schema.json"
    assert SCHEMA_LINE.endswith("../../schemas/editor/source-file.schema.json") and path.is_file()
    ref = json.loads(path.read_text(encoding="utf-8"))["$ref"]
    file, pointer = ref.split("#")
    assert (path.parent / file).resolve() == REPO / "schemas" / "annotation.schema.json"
    assert pointer.split("/")[-1] in annotation_schema()["$defs"]


def test_check_on_an_untouched_scaffold_lists_every_placeholder_in_one_run(mini):
    scaffold(mini)
    code, _, err = run_cli("check", "--root", mini)
    source = annotation_schema()["$defs"]["source_file"]["properties"]["source"]
    filled_by_scaffold = {"source_id", "article_path", "article_sha256", "language"}
    todo = sorted(set(source["required"]) - filled_by_scaffold)
    placeholders = [line for line in err.splitlines() if "is still 'TODO'" in line]
    assert code == 1 and len(placeholders) == len(todo)
    assert all(line.startswith("annotations/sources/outlet-c-2026-02.yaml:") for line in placeholders)
    assert sorted(line.split(": source.")[1].split(" is still")[0] for line in placeholders) == todo


def test_article_names_follow_the_rule(mini):
    code, _, err = scaffold(mini, name="articles/c_new.txt")
    assert code == 2 and "named NNN_<16 hex digits>.txt" in err
    suggested = err.split("rename it to articles/")[1].split()[0]
    assert ARTICLE_NAME.match(suggested) and suggested.endswith(".txt")
    (mini / "articles/000_aaaaaaaaaaaaaaaa.txt").write_text("x\n", encoding="utf-8")
    code, _, err = scaffold(mini, name="articles/000_bbbbbbbbbbbbbbbb.txt", source_id="outlet-d")
    assert code == 2 and "number 000 is taken by articles/000_aaaaaaaaaaaaaaaa.txt" in err


def test_the_repository_articles_follow_the_name_rule():
    names = [p.name for p in (REPO / "articles").iterdir()]
    assert names and all(ARTICLE_NAME.match(n) for n in names)
    numbers = [n[:3] for n in names]
    assert len(numbers) == len(set(numbers))


def test_new_source_refuses_an_article_already_annotated(mini):
    code, _, err = run_cli("new-source", "--root", mini, "articles/a.txt", "--id", "other")
    assert code == 2 and "already annotates articles/a.txt" in err
