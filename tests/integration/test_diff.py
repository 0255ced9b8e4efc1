"""diff between two versions of the fixture, and the release guard on breaking changes."""
import json
import shutil

import pytest

from scripts.pipeline.generation import manifest_path
from scripts.publish.diff import diff, render, unannounced_breaking_changes
from tests.conftest import MINI, run_cli


@pytest.fixture
def two_versions(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    assert run_cli("build", "--root", old)[0] == 0
    shutil.copytree(MINI, new)
    events = new / "annotations/events.yaml"
    text = events.read_text(encoding="utf-8").replace("complete their withdrawal from Ain al-Asad.",
                                                      "complete their withdrawal from the base of Ain al-Asad.")
    # the convoy's one mention moves to a new event: the convoy, mentioned nowhere, leaves the catalogue
    text = text[:text.index("  - event_id: first-convoy\n")]
    text += ("  - event_id: zz-new-event\n    event_type: statement\n    status: occurred\n"
             "    summary_en: New.\n    summary_ar: جديد.\n")
    events.write_text(text, encoding="utf-8")
    src = new / "annotations/sources/outlet-a-2025-08-19.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("    event_id: first-convoy\n", "    event_id: zz-new-event\n"), encoding="utf-8")
    src = new / "annotations/sources/outlet-b-2026-01-19.yaml"
    text = src.read_text(encoding="utf-8")
    start = text.index("  - mention_id: outlet-b-2026-01-19-m02")
    end = text.index("figures:")
    src.write_text(text[:start] + text[end:], encoding="utf-8")
    assert run_cli("build", "--root", new)[0] == 0, run_cli("check", "--root", new)
    return old, new


def test_rows_added_removed_changed(two_versions):
    old, new = two_versions
    result = diff(old, new)
    assert result["events"].added == [("zz-new-event",)]
    assert result["events"].removed == [("first-convoy",)]
    assert result["events"].changed == [(("ain-al-asad-withdrawal-completed",), ["summary_en"])]
    assert result["mentions"].removed == [("outlet-b-2026-01-19-m02",)]
    assert result["mentions"].changed == [(("outlet-a-2025-08-19-m02",), ["event_id"])]
    assert result["places"].added == result["places"].removed == result["places"].changed == []
    assert all(d.schema == [] for d in result.values())
    text = render(result)
    assert "events: 1 added, 1 removed, 1 changed" in text and "~ ain-al-asad-withdrawal-completed: summary_en" in text


def test_retyped_and_removed_columns_are_breaking(two_versions):
    old, new = two_versions
    published = manifest_path(new)  # the manifest every reader of build/data reads
    package = json.loads(published.read_text())
    for res in package["resources"]:
        if res["name"] == "places-parquet":
            res["schema"]["fields"] = [f for f in res["schema"]["fields"] if f["name"] != "note"]
            next(f for f in res["schema"]["fields"] if f["name"] == "latitude")["type"] = "string"
    published.write_text(json.dumps(package))
    result = diff(old, new)
    assert result["places"].schema == [("column note removed", True), ("column latitude retyped number -> string", True)]
    assert unannounced_breaking_changes(new, previous=old) == [
        "places: column note removed", "places: column latitude retyped number -> string"]
    changelog = new / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("- First release.", "- **Breaking**: places.note removed."))
    assert unannounced_breaking_changes(new, previous=old) == []
