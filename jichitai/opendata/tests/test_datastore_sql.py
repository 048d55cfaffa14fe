# ruff: noqa: S608  (these tests are SQL statements, hostile ones on purpose)
"""datastore_search_sql: SELECTs over readable datastore tables work; everything else —
other tables, private resources, writes, several statements, dangerous functions, runaway
queries, ATTACH and PRAGMA — is refused with CKAN's error envelope, by the parser and, behind
it, by the database itself."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest
from django.db import connection

from jichitai.opendata.datastore import sql, tables
from jichitai.opendata.datastore.columns import typed_frame
from jichitai.opendata.datastore.loader import load_frame
from jichitai.opendata.models import Dataset, Resource

pytestmark = pytest.mark.django_db


def load(resource: Resource, columns: dict[str, list[str]]) -> None:
    frame = pl.DataFrame({f"c{i}": values for i, values in enumerate(columns.values())})
    fields, typed = typed_frame(list(columns), frame, None)
    assert load_frame(resource.pk, fields, typed, source_file_id=None) is not None


@pytest.fixture
def loaded(make_dataset: Any) -> dict[str, str]:
    """A public table, a second public one and a private one."""
    halls = make_dataset("施設", resources=[{"name": "施設"}]).resources.get()
    load(
        halls,
        {"名称": ["大森", "蒲田", "糀谷"], "定員": ["120", "80", "40"], "区分": ["a", "b", "a"]},
    )
    kinds = make_dataset("区分", resources=[{"name": "区分"}]).resources.get()
    load(kinds, {"区分": ["a", "b"], "説明": ["図書館", "ホール"]})
    hidden = make_dataset("内部", private=True, resources=[{"name": "内部"}]).resources.get()
    load(hidden, {"秘密": ["x"]})
    return {"halls": str(halls.pk), "kinds": str(kinds.pk), "hidden": str(hidden.pk)}


def run(client: Any, statement: str, method: str = "get") -> Any:
    if method == "get":
        return client.get("/api/3/action/datastore_search_sql", {"sql": statement})
    return client.post(
        "/api/3/action/datastore_search_sql",
        json.dumps({"sql": statement}),
        content_type="application/json",
    )


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()["result"]


def refused(response: Any, status: int, type_name: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == type_name, body
    return dict(body["error"])


def test_a_select_with_where_order_and_functions(client, loaded):
    statement = (
        f'SELECT "名称", "定員", upper("区分") AS k FROM "{loaded["halls"]}" '
        f'WHERE "定員" >= 50 ORDER BY "定員" DESC'
    )
    found = ok(run(client, statement, "post"))
    assert found["sql"] == statement
    assert found["records"] == [
        {"名称": "大森", "定員": 120, "k": "A"},
        {"名称": "蒲田", "定員": 80, "k": "B"},
    ]
    assert found["fields"] == [
        {"id": "名称", "type": "text"},
        {"id": "定員", "type": "int"},
        {"id": "k", "type": "text"},
    ]
    assert "records_truncated" not in found


def test_joins_aggregates_and_ctes_over_public_tables(client, loaded):
    statement = (
        f'WITH h AS (SELECT * FROM "{loaded["halls"]}") '
        f'SELECT k."説明", count(*) AS n, sum(h."定員") AS seats FROM h '
        f'JOIN "{loaded["kinds"]}" k ON k."区分" = h."区分" GROUP BY k."説明" ORDER BY n DESC'
    )
    found = ok(run(client, statement))
    assert found["records"] == [
        {"説明": "図書館", "n": 2, "seats": 160},
        {"説明": "ホール", "n": 1, "seats": 80},
    ]


def test_results_are_cut_at_32000_rows(client, loaded):
    statement = (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 32005) "
        "SELECT n FROM r"
    )
    found = ok(run(client, statement))
    assert len(found["records"]) == 32000 and found["records_truncated"] is True


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM accounts_user",
        "SELECT * FROM opendata_dataset",
        "SELECT * FROM public.accounts_user",
        "SELECT * FROM main.accounts_user",
        "SELECT * FROM pg_catalog.pg_authid",
        "SELECT * FROM pg_user",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM information_schema.tables",
        'SELECT * FROM "{halls}" WHERE 1 = (SELECT count(*) FROM accounts_user)',
        'SELECT * FROM "{halls}" UNION SELECT * FROM "{hidden}"',
        'SELECT * FROM "{hidden}"',
        'SELECT * FROM "{halls}__deadbeef"',
    ],
)
def test_other_tables_and_private_resources_are_not_readable(client, loaded, statement):
    error = refused(run(client, statement.format(**loaded)), 403, "Authorization Error")
    assert error["message"].startswith("Access denied")


@pytest.mark.parametrize(
    "function",
    [
        "pg_read_file('/etc/passwd')",
        "pg_sleep(10)",
        "current_setting('data_directory')",
        "set_config('search_path', 'public', true)",
        "query_to_xml('select * from accounts_user', true, true, '')",
        "lo_import('/etc/passwd')",
        "version()",
        "load_extension('x')",
        "readfile('/etc/passwd')",
        "zeroblob(1000000000)",
        "sqlite_version()",
    ],
)
def test_functions_off_the_list_are_refused(client, loaded, function):
    error = refused(
        run(client, f'SELECT {function} FROM "{loaded["halls"]}"'), 403, "Authorization Error"
    )
    assert "function" in error["message"]


@pytest.mark.parametrize(
    "statement",
    [
        'DELETE FROM "{halls}"',
        'UPDATE "{halls}" SET "定員" = 0',
        'INSERT INTO "{halls}" ("_id") VALUES (99)',
        'DROP TABLE "{halls}"',
        'CREATE TABLE x AS SELECT * FROM "{halls}"',
        'SELECT * INTO x FROM "{halls}"',
        'SELECT * FROM "{halls}" FOR UPDATE',
        'SELECT 1; DELETE FROM "{halls}"',
        'SELECT * FROM "{halls}"; SELECT 1',
        "ATTACH DATABASE '/tmp/x.db' AS x",
        "PRAGMA table_info(accounts_user)",
        "VACUUM",
        "SET search_path = public",
        "COPY accounts_user TO STDOUT",
        "BEGIN",
        "SELECT",
        "",
        "WITH accounts_user AS (SELECT 1) SELECT * FROM accounts_user",
        "not sql at all ((",
    ],
)
def test_anything_but_one_select_is_a_validation_error(client, loaded, statement):
    response = run(client, statement.format(**loaded), "post")
    if statement == "":
        assert "sql" in refused(response, 409, "Validation Error")
        return
    assert "query" in refused(response, 409, "Validation Error")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {tables.qualified(loaded['halls'])}")
        assert cursor.fetchone()[0] == 3  # nothing changed


def test_a_runaway_recursive_query_is_stopped_by_the_time_limit(client, loaded, settings):
    settings.JICHITAI_DATASTORE_SQL_TIMEOUT_MS = 200
    statement = (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    )
    error = refused(run(client, statement), 409, "Validation Error")
    assert error["query"] == ["Query took too long"]


def test_a_data_set_taken_back_to_draft_is_no_longer_readable(client, loaded):
    Dataset.objects.filter(resources__pk=loaded["halls"]).update(state="draft")
    refused(run(client, f'SELECT * FROM "{loaded["halls"]}"'), 403, "Authorization Error")


class TestTheDatabaseGuardsBehindTheParser:
    """Statements the parser would refuse, sent straight to the executor: the database's own
    guards (read-only transaction and search path; SQLite's authorizer) still refuse them."""

    @pytest.mark.parametrize(
        "statement",
        [
            'DELETE FROM "{halls}"',
            'UPDATE "{halls}" SET "定員" = 0',
            'DROP TABLE "{halls}"',
            "SELECT * FROM accounts_user",
            "ATTACH DATABASE ':memory:' AS x",
            "PRAGMA writable_schema = 1",
        ],
    )
    def test_writes_and_other_tables_fail(self, loaded, statement):
        if tables.is_postgresql() and statement.startswith(("ATTACH", "PRAGMA")):
            pytest.skip("SQLite statements")
        with pytest.raises(sql.SqlRefused):
            sql.execute(statement.format(**loaded), {loaded["halls"]}, {})
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {tables.qualified(loaded['halls'])}")
            assert cursor.fetchone()[0] == 3

    def test_the_connection_is_itself_again_afterwards(self, loaded):
        sql.execute(f'SELECT * FROM "{loaded["halls"]}"', {loaded["halls"]}, {})
        # The application's own queries work as before: no authorizer, no read-only mode.
        assert Dataset.objects.count() == 3
        Dataset.objects.update(title="変更")
        assert Dataset.objects.filter(title="変更").count() == 3


class TestPostgresqlReadsAsTheDatastoreReader:
    """On PostgreSQL the statement runs as a role that may only read datastore tables, so a
    statement the parser wrongly let through still cannot read the application's tables."""

    @pytest.fixture(autouse=True)
    def _postgresql_only(self) -> None:
        if not tables.is_postgresql():
            pytest.skip("PostgreSQL's roles")

    @pytest.mark.parametrize(
        "statement",
        [
            # A schema-qualified name gets past the search path, and reading does not trip
            # the read-only transaction: only the role stops these.
            "SELECT * FROM public.accounts_user",
            "SELECT title FROM public.opendata_dataset WHERE private",
            "SELECT * FROM pg_catalog.pg_authid",
        ],
    )
    def test_other_tables_cannot_be_read(self, loaded, statement):
        with pytest.raises(sql.SqlRefused) as refusal:
            sql.execute(statement, set(), {})
        assert refusal.value.kind == "forbidden"

    def test_datastore_tables_loaded_since_are_read_as_that_role(self, loaded):
        # The tables were created after the migration: default privileges granted them.
        result = sql.execute(
            f'SELECT current_user AS who, count(*) AS n FROM "{loaded["halls"]}"',
            {loaded["halls"]},
            {},
        )
        assert result.records == [{"who": sql.READER_ROLE, "n": 3}]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] != sql.READER_ROLE  # itself again afterwards

    def test_without_the_role_it_says_so_once_and_keeps_its_other_guards(
        self, loaded, monkeypatch, caplog
    ):
        monkeypatch.setattr(sql, "READER_ROLE", "jichitai_no_such_role")
        monkeypatch.setattr(sql, "_reader_usable", {})
        with caplog.at_level("WARNING", logger=sql.__name__):
            for _ in range(2):
                found = sql.execute(f'SELECT * FROM "{loaded["halls"]}"', {loaded["halls"]}, {})
                assert len(found.records) == 3
            with pytest.raises(sql.SqlRefused):
                sql.execute(f'DELETE FROM "{loaded["halls"]}"', {loaded["halls"]}, {})
        warnings = [r for r in caplog.records if "jichitai_no_such_role" in r.getMessage()]
        assert len(warnings) == 1
