"""The DuckDB layer in memory: DDL and comments generated from schemas/, the view logic on
hand-made rows, the read-only guard and the result renderers. No files are written."""
from __future__ import annotations

import datetime as dt
import re

import duckdb
import pyarrow as pa
import pytest

from scripts.db import build, cookbook, query, render, schema, views
from scripts.db import load as db_load
from scripts.errors import DataError
from scripts.metadata import TABLE_ORDER, categories, load_tables, required

TABLES = load_tables()


FILLERS = {"string": "x", "number": 0.0, "integer": 0, "date": dt.date(2000, 1, 1)}


def filled(table: str, row: dict) -> dict:
    """The row with a filler in every required column the test does not care about (the
    vocabulary's first value for categories)."""
    for f in TABLES[table].fields:
        if required(f) and f["name"] not in row:
            row[f["name"]] = categories(f)[0] if categories(f) else FILLERS[f["type"]]
    return row


def insert(con, table: str, **row):
    """Insert one row by column name; values travel as parameters."""
    row = filled(table, row)
    names = list(row)
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})", list(row.values()))


def insert_rows(con, table: str, rows: list[dict]):
    """Insert many rows in one statement, through an Arrow table matched by column name (one
    statement per row costs about 2 ms, which random corpora of a few hundred rows feel)."""
    rows = [filled(table, r) for r in rows]
    names = list(dict.fromkeys(n for r in rows for n in r))
    con.register("rows_to_insert", pa.table({n: [r.get(n) for r in rows] for n in names}))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rows_to_insert")
    finally:
        con.unregister("rows_to_insert")


def rows(con, sql: str) -> list[dict]:
    relation = con.sql(sql)
    return [dict(zip(relation.columns, r)) for r in relation.fetchall()]


D = dt.date


# ---------------------------------------------------------------------------- DDL

def test_columns_types_and_not_null_follow_the_schemas(con):
    for name, table in TABLES.items():
        got = con.execute("SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                          "WHERE table_name = ? ORDER BY column_index", [name]).fetchall()
        want = [(f["name"], schema.DUCKDB_TYPES[f["type"]], not required(f)) for f in table.fields]
        assert got == want, name


def test_type_mapping_is_the_one_agreed():
    assert schema.DUCKDB_TYPES == {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "date": "DATE"}


def test_primary_and_unique_keys_follow_the_schemas(con):
    for name, table in TABLES.items():
        pk = con.execute("SELECT constraint_column_names FROM duckdb_constraints() "
                         "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'", [name]).fetchall()
        assert pk == [(table.primary_key,)], name
        unique = {tuple(r[0]) for r in con.execute("SELECT constraint_column_names FROM duckdb_constraints() "
                                                   "WHERE table_name = ? AND constraint_type = 'UNIQUE'", [name]).fetchall()}
        want = {(f["name"],) for f in table.fields
                if f.get("constraints", {}).get("unique") and table.primary_key != [f["name"]]}
        assert unique == want, name
    assert ("article_path",) in {tuple(r[0]) for r in con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = 'sources' AND constraint_type = 'UNIQUE'").fetchall()}


def test_foreign_keys_are_declared_along_the_table_order(con):
    """Every reference to an earlier table or to the table itself is a DuckDB foreign key;
    a reference to a later table cannot be (no ALTER TABLE ADD FOREIGN KEY)."""
    got = {(r[0], tuple(r[1]), r[2], tuple(r[3])) for r in con.execute(
        "SELECT table_name, constraint_column_names, referenced_table, referenced_column_names "
        "FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'").fetchall()}
    want, skipped = set(), set()
    for name, table in TABLES.items():
        for fk in table.foreign_keys:
            ref = fk["reference"]
            key = (name, tuple(fk["fields"]), ref["resource"], tuple(ref["fields"]))
            (want if TABLE_ORDER.index(ref["resource"]) <= TABLE_ORDER.index(name) else skipped).add(key)
    assert got == want
    # The decision written down in schema.declared_foreign_keys: the sources -> actors edge of the cycle.
    assert skipped == {("sources", ("outlet_actor_id",), "actors", ("actor_id",))}
    assert ("places", ("parent_place_id",), "places", ("place_id",)) in got      # self-reference
    assert ("actors", ("scope_source_id",), "sources", ("source_id",)) in got    # other edge of the cycle


def test_foreign_keys_are_enforced_including_self_references(con):
    with pytest.raises(duckdb.ConstraintException):
        insert(con, "places", place_id="anbar", name_en="Anbar", name_ar="الأنبار", kind="governorate", parent_place_id="iraq")
    con.rollback()  # the failed statement aborted the fixture's transaction: start a new one
    con.begin()
    insert(con, "places", place_id="iraq", name_en="Iraq", name_ar="العراق", kind="country")
    insert(con, "places", place_id="anbar", name_en="Anbar", name_ar="الأنبار", kind="governorate", parent_place_id="iraq")


def test_vocabularies_are_checked(con):
    with pytest.raises(duckdb.ConstraintException):
        insert(con, "places", place_id="x", name_en="X", name_ar="س", kind="planet")


def test_every_table_and_column_has_a_comment(con):
    for name, table in TABLES.items():
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0]
        assert comment and table.descriptor["description"] in comment
        for f in table.fields:
            comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                                  [name, f["name"]]).fetchone()[0]
            assert comment and comment.startswith(f["description"]), f"{name}.{f['name']}"
            for value in categories(f):
                assert value in comment, f"{name}.{f['name']} comment lacks '{value}'"


def test_foreign_key_columns_say_what_they_reference(con):
    comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'sources' "
                          "AND column_name = 'outlet_actor_id'").fetchone()[0]
    assert "References actors.actor_id (checked by the build; not a DuckDB foreign key" in comment
    comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'mentions' "
                          "AND column_name = 'event_id'").fetchone()[0]
    assert comment.endswith("References events.event_id.")


def test_comment_quotes_are_escaped():
    assert schema.quote_literal("a base's governorate") == "'a base''s governorate'"
    assert schema.quote_ident('odd"name') == '"odd""name"'


# ---------------------------------------------------------------------------- view files

VIEWS = views.read_views()


def test_the_views_exist_and_say_what_they_answer():
    assert [v.name for v in VIEWS] == ["conflicting_claim_pairs", "conflicting_claims", "figure_claims", "plan_vs_outcome",
                                       "source_overview", "timeline"]
    for view in VIEWS:
        first = view.sql.path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- ") and first.endswith("?"), view.name
        assert view.question == first[3:]


def test_every_view_column_has_a_comment(con):
    for view in VIEWS:
        assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = ?", [view.name]).fetchone()[0] == view.question
        columns = con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?", [view.name]).fetchall()
        assert columns and all(comment for _, comment in columns), view.name


def test_an_undocumented_view_column_is_an_error(tmp_path):
    (tmp_path / "bad.sql").write_text("-- What is one?\n--\n-- Columns:\n--   one: The number one.\nSELECT 1 AS one, 2 AS two\n")
    connection = duckdb.connect()
    with pytest.raises(DataError) as error:
        views.create_views(connection, views.read_views(tmp_path))
    assert "bad.sql:1: view bad: columns not described in the `-- Columns:` block: two" in error.value.render()


ID_LIKE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
DATE_LIKE = re.compile(r"\d{4}-\d{2}")


@pytest.mark.parametrize("path", [v.sql.path for v in VIEWS] + sorted(build.COOKBOOK_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_sql_uses_relative_logic_only(path):
    """No id or date is written into a view or a recipe; vocabulary values are fine."""
    code = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
    for literal in re.findall(r"'((?:[^']|'')*)'", code):
        assert not ID_LIKE.match(literal), f"{path.name}: hard-coded id {literal!r}"
        assert not DATE_LIKE.search(literal), f"{path.name}: hard-coded date {literal!r}"


# ---------------------------------------------------------------------------- view logic on hand-made rows

def base_rows(con):
    """Two sources and their outlets; one place inside another."""
    insert(con, "places", place_id="iraq", name_en="Iraq", name_ar="العراق", kind="country")
    insert(con, "places", place_id="base", name_en="Base", name_ar="قاعدة", kind="air_base", parent_place_id="iraq")
    for sid, first, last in (("s1", D(2025, 8, 19), D(2025, 8, 19)), ("s2", D(2025, 8, 18), D(2025, 8, 20))):
        insert(con, "sources", source_id=sid, outlet_actor_id=f"{sid}-outlet", outlet_en=sid.upper(), outlet_ar="م",
               title_en="[none]", language="ar", published=f"{first}/{last}", published_earliest=first,
               published_latest=last, published_precision="interval", published_basis="inferred", published_note="n",
               article_path=f"articles/{sid}.txt", article_sha256="0" * 64, chars=10)
        insert(con, "actors", actor_id=f"{sid}-outlet", name_en=f"{sid} outlet", name_ar="م", kind="news_outlet")


def event(con, event_id, start=None, end=None, status="occurred", outcome=None, place=None, event_type="other",
          contradicts=None):
    insert(con, "events", event_id=event_id, event_type=event_type, status=status, summary_en=event_id, summary_ar="ح",
           date=None if start is None else str(start), date_start=start, date_end=end or start,
           date_precision=None if start is None else ("day" if (end or start) == start else "interval"),
           place_id=place, outcome_event_id=outcome, contradicts_event_id=contradicts)


def figure(con, figure_id, source="s1", subject="us_troops_in_iraq", value=None, low=None, high=None,
           qualifier="exact", place=None, as_of=None, event_id=None, unit="person"):
    insert(con, "figures", figure_id=figure_id, source_id=source, subject=subject, value=value, value_low=low,
           value_high=high, qualifier=qualifier, unit=unit, as_of_start=as_of, as_of_end=as_of, place_id=place,
           event_id=event_id, quote="ق", char_start=0, char_end=1, quote_en="q", attributed_to=f"{source}-outlet",
           attribution="outlet_statement")


def mention(con, mention_id, event_id, start, end=None, source="s1", modality="reported"):
    insert(con, "mentions", mention_id=mention_id, source_id=source, event_id=event_id, quote="ق", char_start=0,
           char_end=1, quote_en="q", claimed_date=str(start), claimed_start=start, claimed_end=end or start,
           modality=modality, attributed_to=f"{source}-outlet", attribution="outlet_statement")


def test_plan_slip_is_the_distance_between_the_date_ranges(con):
    base_rows(con)
    event(con, "done-late", D(2026, 1, 16))
    event(con, "plan-late", D(2025, 9, 15), status="superseded", outcome="done-late")
    event(con, "done-early", D(2025, 8, 1))
    event(con, "plan-early", D(2025, 9, 1), D(2025, 9, 30), status="superseded", outcome="done-early")   # a month
    event(con, "done-inside", D(2026, 9, 10))
    event(con, "plan-month", D(2026, 9, 1), D(2026, 9, 30), outcome="done-inside")
    event(con, "plan-open", D(2026, 12, 31), status="planned")
    event(con, "undated-outcome")
    event(con, "plan-undated-outcome", D(2027, 1, 1), status="planned", outcome="undated-outcome")
    event(con, "just-happened", D(2025, 1, 1))                                # not a plan: no row
    got = {r["plan_event_id"]: r["slip_days"] for r in rows(con, "SELECT * FROM plan_vs_outcome")}
    assert got == {
        "plan-late": 123,            # 15 Sep 2025 -> 16 Jan 2026
        "plan-early": -31,           # ended 1 Aug 2025, plan from 1 Sep 2025
        "plan-month": 0,             # 10 Sep inside "September 2026"
        "plan-open": None,           # no outcome yet
        "plan-undated-outcome": None,
    }
    order = [r["plan_event_id"] for r in rows(con, "SELECT * FROM plan_vs_outcome")]
    assert order == ["plan-early", "plan-late", "plan-month", "plan-open", "plan-undated-outcome"]


def test_date_conflicts_are_non_overlapping_claimed_ranges(con):
    base_rows(con)
    event(con, "e", D(2025, 9, 15))
    mention(con, "m1", "e", D(2025, 9, 15))
    mention(con, "m2", "e", D(2024, 9, 1), D(2024, 9, 30), source="s2")      # conflicts with m1 and m3
    mention(con, "m3", "e", D(2025, 9, 1), D(2025, 9, 30), source="s2")      # contains m1: no conflict
    mention(con, "m4", "e", D(2020, 1, 1), source="s2", modality="denied")    # denies: not a date claim
    got = [(r["claim_id_a"], r["claim_id_b"], r["gap"], r["same_source"], r["range_b"])
           for r in rows(con, "SELECT * FROM conflicting_claim_pairs")]
    assert got == [("m1", "m2", 350.0, False, "2024-09-01..2024-09-30"),
                   ("m2", "m3", 336.0, True, "2025-09-01..2025-09-30")]


def test_one_row_per_disagreement(con):
    """The pairs above (m1-m2, m2-m3) are one disagreement: 2024-09 against 2025-09 and 2025-09-15."""
    base_rows(con)
    event(con, "e", D(2025, 9, 15))
    mention(con, "m1", "e", D(2025, 9, 15))
    mention(con, "m2", "e", D(2024, 9, 1), D(2024, 9, 30), source="s2")
    mention(con, "m3", "e", D(2025, 9, 1), D(2025, 9, 30), source="s2")
    got = [(r["claims_a"], r["claim_ids_a"], r["sources_a"], r["range_a"], r["claims_b"], r["claim_ids_b"], r["sources_b"],
            r["claimed_b"], r["range_b"], r["same_source_only"], r["gap"], r["apart"])
           for r in rows(con, "SELECT * FROM conflicting_claims")]
    assert got == [(1, "m2", "s2", "2024-09-01..2024-09-30", 2, "m1, m3", "s1, s2", "2025-09-01, 2025-09-15",
                    "2025-09-01..2025-09-30", False, 336.0, "1 year")]


def test_value_conflicts_use_an_interval_per_figure(con):
    base_rows(con)  # s1 and s2 are published on overlapping days, so their undated figures are compared
    figure(con, "f1", value=2500)                                            # [2500, 2500]
    figure(con, "f2", value=2000, qualifier="at_most", source="s2")           # [.., 2000]: conflicts with f1 and f3
    figure(con, "f3", value=2300, qualifier="approx", source="s2")            # [2070, 2530]: overlaps f1
    figure(con, "f4", low=250, high=350, qualifier="range", subject="advisers_remaining", place="base", source="s2")
    figure(con, "f5", value=1000, qualifier="at_least", subject="advisers_remaining")  # [1000, ..]: no place, conflicts with f4
    figure(con, "f6", value=5000, subject="advisers_remaining", place="iraq")  # another place than f4: not compared
    figure(con, "f7", qualifier="vague", source="s2")                          # no interval: never conflicts
    figure(con, "f8", value=9000, as_of=D(2015, 1, 1))                         # another time: not compared
    figure(con, "f9", value=9, subject="us_troops_in_syria")                   # another subject
    got = [(r["claim_id_a"], r["claim_id_b"], r["claimed_a"], r["claimed_b"], r["range_a"], r["range_b"], r["gap"], r["gap_unit"])
           for r in rows(con, "SELECT * FROM conflicting_claim_pairs WHERE kind = 'value'")]
    assert got == [
        ("f4", "f5", "range 250..350", "at_least 1000", "250..350", "1000..", 650.0, "person"),
        ("f1", "f2", "exact 2500", "at_most 2000", "2500..2500", "..2000", 500.0, "person"),
        ("f2", "f3", "at_most 2000", "approx 2300", "..2000", "2070..2530", 70.0, "person"),
    ]


def test_content_conflicts_pair_the_claims_of_two_events_that_exclude_each_other(con):
    base_rows(con)
    event(con, "to-erbil")
    event(con, "to-syria", contradicts="to-erbil")   # forces go to Syria, or to Erbil: not both
    event(con, "elsewhere")
    mention(con, "m1", "to-syria", D(2025, 9, 1), modality="planned")
    mention(con, "m2", "to-erbil", D(2025, 9, 1), source="s2")
    mention(con, "m3", "to-erbil", D(2025, 9, 1), source="s2", modality="assessed")  # a judgement: not a claim of content
    mention(con, "m4", "to-syria", D(2025, 9, 1), source="s2", modality="expected")
    mention(con, "m5", "elsewhere", D(2025, 9, 1))                                  # no link: never paired
    got = [(r["topic"], r["claim_id_a"], r["claimed_a"], r["claim_id_b"], r["claimed_b"], r["same_source"], r["range_a"], r["gap"])
           for r in rows(con, "SELECT * FROM conflicting_claim_pairs WHERE kind = 'content'")]
    assert got == [("to-syria", "m1", "to-syria", "m2", "to-erbil", False, None, None),
                   ("to-syria", "m2", "to-erbil", "m4", "to-syria", True, None, None)]
    # one disagreement: the claims of the linked event on side a, those of the event it excludes on side b
    got = [(r["topic"], r["claim_ids_a"], r["claimed_a"], r["claim_ids_b"], r["claimed_b"], r["same_source_only"],
            r["range_a"], r["range_b"], r["gap"], r["apart"])
           for r in rows(con, "SELECT * FROM conflicting_claims WHERE kind = 'content'")]
    assert got == [("to-syria", "m1, m4", "to-syria", "m2", "to-erbil", False, None, None, None, None)]


def test_value_conflicts_respect_place_and_event_where_both_are_given(con):
    base_rows(con)
    event(con, "e1", D(2025, 1, 1))
    event(con, "e2", D(2025, 2, 1))
    figure(con, "a", value=10, subject="distance", unit="km", event_id="e1")
    figure(con, "b", value=50, subject="distance", unit="km", event_id="e2")   # another event: not compared
    figure(con, "c", value=10, place="iraq")
    figure(con, "d", value=20, place="base")                                   # another place: not compared
    assert rows(con, "SELECT * FROM conflicting_claims") == []


def test_timeline_lists_sources_in_order_and_undated_events_last(con):
    base_rows(con)
    event(con, "later", D(2025, 9, 15), place="base")
    event(con, "month", D(2025, 9, 1), D(2025, 9, 30))
    event(con, "undated")
    mention(con, "m1", "later", D(2025, 9, 15), source="s2")
    mention(con, "m2", "later", D(2025, 9, 15), source="s1")
    mention(con, "m3", "later", D(2025, 9, 15), source="s2")
    got = [(r["event_id"], r["place_name_en"], r["mention_count"], r["source_count"], r["source_ids"])
           for r in rows(con, "SELECT * FROM timeline")]
    assert got == [("month", None, 0, 0, None), ("later", "Base", 3, 2, "s1, s2"), ("undated", None, 0, 0, None)]


# ---------------------------------------------------------------------------- loading order

def test_rows_are_loaded_parents_first():
    places = TABLES["places"]
    rows_ = pa.table({"place_id": ["a-base", "anbar", "iraq"], "parent_place_id": ["anbar", "iraq", None]})
    assert db_load.insertion_levels(rows_, places) == [2, 1, 0]


def test_a_cycle_of_self_references_is_reported():
    rows_ = pa.table({"place_id": ["x", "y"], "parent_place_id": ["y", "x"]})
    with pytest.raises(DataError) as error:
        db_load.insertion_levels(rows_, TABLES["places"])
    assert "build/data/places.parquet:1: rows of places refer to each other in a cycle: x -> y -> x" in error.value.render()


# ---------------------------------------------------------------------------- read-only guard

@pytest.mark.parametrize("sql", [
    "INSERT INTO events SELECT * FROM events", "UPDATE events SET note = 'x'", "DELETE FROM events",
    "CREATE TABLE x (a INT)", "CREATE VIEW v AS SELECT 1", "DROP TABLE events", "ALTER TABLE events ADD COLUMN x INT",
    "COPY events TO '/tmp/x.csv'", "ATTACH '/tmp/x.duckdb' AS x", "DETACH x", "SET threads = 1", "PRAGMA version",
    "CALL pragma_version()", "EXPORT DATABASE '/tmp/x'", "INSTALL httpfs", "LOAD httpfs", "CHECKPOINT", "VACUUM",
    "BEGIN TRANSACTION", "USE memory", "SELECT 1; SELECT 2", "SELECT 1; DROP TABLE events",
])
def test_writes_and_other_statements_are_refused(sql):
    with pytest.raises(query.QueryRefused):
        query.check_read_only(sql)


@pytest.mark.parametrize("sql", [
    "SELECT 1", "select * from events", "FROM events", "WITH t AS (SELECT 1) SELECT * FROM t", "VALUES (1)",
    "DESCRIBE events", "SHOW TABLES", "SUMMARIZE events", "EXPLAIN SELECT 1", "SELECT 1;",
])
def test_reads_are_allowed(sql):
    assert query.check_read_only(sql) == sql


def test_refusal_names_the_statement_type():
    with pytest.raises(query.QueryRefused, match="refused: INSERT statements are not allowed"):
        query.check_read_only("INSERT INTO t VALUES (1)")


# ---------------------------------------------------------------------------- rendering

RESULT = render.Result(["id", "n", "day", "text"], ["VARCHAR", "DOUBLE", "DATE", "VARCHAR"],
                   [("a", 2500.0, D(2025, 9, 15), "x|y <b>"), ("b", None, None, "سطر\nآخر"), ("c", 2.5, None, None)])


def test_table_output():
    assert render.to_table(RESULT) == (
        "id | n    | day        | text\n"
        "---+------+------------+---------\n"
        "a  | 2500 | 2025-09-15 | x|y <b>\n"
        "b  | NULL | NULL       | سطر\\nآخر\n"
        "c  | 2.5  | NULL       | NULL\n"
        "(3 rows)")


def test_csv_output():
    assert render.to_csv(RESULT) == 'id,n,day,text\na,2500,2025-09-15,x|y <b>\nb,,,"سطر\nآخر"\nc,2.5,,'


def test_json_output():
    import json

    assert json.loads(render.to_json(RESULT)) == [
        {"id": "a", "n": 2500.0, "day": "2025-09-15", "text": "x|y <b>"},
        {"id": "b", "n": None, "day": None, "text": "سطر\nآخر"},
        {"id": "c", "n": 2.5, "day": None, "text": None}]


def test_markdown_output_escapes_html_and_table_syntax():
    assert render.to_markdown(RESULT) == (
        "| id | n | day | text |\n"
        "|---|---|---|---|\n"
        "| a | 2500 | 2025-09-15 | x\\|y &lt;b&gt; |\n"
        "| b |  |  | سطر<br>آخر |\n"
        "| c | 2.5 |  |  |")
    assert render.markdown_cell("us_troops_in_iraq") == "us_troops_in_iraq"
    assert render.markdown_cell("_emphasis_ *bold* [link](x)") == "\\_emphasis\\_ \\*bold\\* \\[link\\](x)"


def test_every_duckdb_type_renders(con):
    result = query.run_select(con, "SELECT INTERVAL 3 DAY AS i, uuid_extract_version(gen_random_uuid()) AS v, "
                                "[1, 2] AS l, {'a': DATE '2025-01-02'} AS s, 1.50::DECIMAL(4, 2) AS d, "
                                "'\\x00'::BLOB AS b, NULL AS n, TIMESTAMP '2026-01-19 00:07:00' AS t")
    import json

    assert json.loads(render.to_json(result)) == [{"i": "3 days, 0:00:00", "v": 4, "l": [1, 2], "s": {"a": "2025-01-02"},
                                               "d": 1.5, "b": "00", "n": None, "t": "2026-01-19T00:07:00"}]
    for output in render.RENDERERS:
        assert render.RENDERERS[output](result)


def test_cookbook_outputs_are_capped_but_say_how_many_rows_there_are(tmp_path, monkeypatch):
    path = tmp_path / "01-many.sql"
    path.write_text("-- Question: How many?\nSELECT range AS n FROM range(5)\n")
    recipe = cookbook.read_recipes(tmp_path, tmp_path)[0]
    result = render.Result(["n"], ["BIGINT"], [(i,) for i in range(5)])
    monkeypatch.setattr(cookbook, "JSON_ROW_LIMIT", 3)
    monkeypatch.setattr(cookbook, "MARKDOWN_ROW_LIMIT", 2)
    import json

    doc = json.loads(cookbook.recipe_json(recipe, result))
    assert (doc["row_count"], doc["rows_truncated"], doc["rows"]) == (5, True, [[0], [1], [2]])
    page = cookbook.recipe_markdown(recipe, result)
    assert "Result (5 rows; the first 2 are shown; run the query for all of them):" in page
    assert page.endswith("| n |\n|---|\n| 0 |\n| 1 |\n")


def test_a_capped_select_keeps_the_first_rows_and_counts_them_all(con, monkeypatch):
    monkeypatch.setattr(query, "COUNT_CHUNK", 7)  # the count runs over several chunks
    sql = "SELECT range AS n, 'x' || range AS s FROM range(25) ORDER BY n DESC"
    result = query.run_select(con, sql, keep=4)
    assert result.rows == [(24, "x24"), (23, "x23"), (22, "x22"), (21, "x21")]
    assert (result.total, result.row_count) == (25, 25)
    full = query.run_select(con, sql)
    assert (full.total, full.row_count, full.rows[:4]) == (None, 25, result.rows)
    assert query.run_select(con, sql, keep=100).rows == full.rows


def test_cookbook_outputs_count_the_rows_a_capped_result_left_out(tmp_path):
    path = tmp_path / "01-many.sql"
    path.write_text("-- Question: How many?\nSELECT range AS n FROM range(5)\n")
    recipe = cookbook.read_recipes(tmp_path, tmp_path)[0]
    import json

    doc = json.loads(cookbook.recipe_json(recipe, render.Result(["n"], ["BIGINT"], [(0,), (1,)], total=20_000)))
    assert (doc["row_count"], doc["rows_truncated"], doc["rows"]) == (20_000, True, [[0], [1]])
    assert "Result (20000 rows; the first 2 are shown; run the query for all of them):" in cookbook.recipe_markdown(
        recipe, render.Result(["n"], ["BIGINT"], [(0,), (1,)], total=20_000))


@pytest.mark.parametrize("sql, total", [
    ("FROM range(30) ORDER BY range DESC -- a comment at the end", 30),
    ("SELECT * FROM range(12);", 12),
    ("SUMMARIZE SELECT range AS a, range AS b FROM range(5)", 2),
    ("EXPLAIN SELECT 1", 1),
])
def test_a_capped_select_counts_any_read_statement(con, sql, total):
    result = query.run_select(con, sql, keep=1)
    assert (len(result.rows), result.row_count) == (1, total)
