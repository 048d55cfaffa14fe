"""Loading published tables into the datastore: typed from the rows the check read (CP932
decoded, repairs applied, no formula escaping), swapped in whole on a new version, dropped
with the resource."""

from __future__ import annotations

import csv
import io
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from jichitai.opendata.datastore import tables
from jichitai.opendata.datastore.columns import typed_frame
from jichitai.opendata.datastore.loader import load_frame
from jichitai.opendata.datastore.selectors import search_rows
from jichitai.opendata.models import CheckStatus, DatastoreTable, Resource, ResourceFile
from jichitai.opendata.services import editing
from jichitai.opendata.services.datastore import load_published_file
from jichitai.opendata.services.uploads import publish_file, receive_upload
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows

pytestmark = pytest.mark.django_db(transaction=True)
AED = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]


def aed_csv(rows: int = 5, change: Any = None) -> str:
    table = [AED.labels, *sample_rows(AED, rows, title="AED")]
    if change:
        change(table)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue()


def upload(user: Any, resource: Resource, content: bytes) -> ResourceFile:
    stored = receive_upload(user, resource, SimpleUploadedFile("aed.csv", content))
    stored.refresh_from_db()  # checked on commit (immediate task backend in tests)
    return stored


def test_a_published_cp932_table_is_loaded_typed(clerk, resource):
    def formula(table: list[list[str]]) -> None:
        table[1][AED.labels.index("名称")] = '=HYPERLINK("http://x")'

    stored = upload(clerk, resource, aed_csv(change=formula).encode("cp932"))
    assert stored.status in {CheckStatus.PASSED, CheckStatus.WARNINGS}
    resource.refresh_from_db()
    assert not resource.datastore_active  # not before it is published
    publish_file(clerk, stored)  # the load task runs on commit
    resource.refresh_from_db()
    assert resource.datastore_active
    table = DatastoreTable.objects.get(resource=resource)
    assert (table.source_file_id, table.row_count) == (stored.pk, 5)
    types = {field["id"]: field["type"] for field in table.fields}
    assert types["緯度"] == types["経度"] == "numeric"
    assert types["名称"] == "text"
    found = search_rows(resource, limit=5)
    first = found.records[0]
    assert first["名称"] == '=HYPERLINK("http://x")'  # the value, not the CSV's escaped copy
    assert isinstance(first["緯度"], float) and 20 < first["緯度"] < 46
    assert found.total == 5


def test_a_new_version_replaces_the_table_whole(clerk, resource):
    publish_file(clerk, upload(clerk, resource, aed_csv(3).encode("utf-8")))
    first = DatastoreTable.objects.get(resource=resource)
    newer = upload(clerk, resource, aed_csv(7).encode("utf-8"))
    resource.refresh_from_db()
    assert search_rows(resource).total == 3  # the old table serves until the new one is in
    publish_file(clerk, newer)
    resource.refresh_from_db()
    table = DatastoreTable.objects.get(resource=resource)
    assert (table.pk, table.source_file_id, table.row_count) == (first.pk, newer.pk, 7)
    assert search_rows(resource).total == 7
    assert tables.staging_tables(str(resource.pk)) == []
    assert load_published_file(newer.pk) is None  # a repeated task does nothing


def test_a_load_of_a_superseded_file_is_thrown_away(clerk, resource):
    older = upload(clerk, resource, aed_csv(3).encode("utf-8"))
    publish_file(clerk, older)
    newer = upload(clerk, resource, aed_csv(4).encode("utf-8"))
    publish_file(clerk, newer)
    DatastoreTable.objects.filter(resource=resource).delete()
    assert load_published_file(older.pk) is None  # no longer the published file
    frame = pl.DataFrame({"c0": ["x"]})
    fields, typed = typed_frame(["列"], frame, None)
    assert load_frame(resource.pk, fields, typed, source_file_id=older.pk) is None
    assert tables.staging_tables(str(resource.pk)) == []


def test_deleting_the_resource_drops_its_table(clerk, resource, verified_staff):
    publish_file(clerk, upload(clerk, resource, aed_csv(3).encode("utf-8")))
    assert tables.table_exists(str(resource.pk))
    editing.delete_resource(clerk, resource)
    resource.refresh_from_db()
    assert not resource.datastore_active
    assert not tables.table_exists(str(resource.pk))
    assert not DatastoreTable.objects.filter(resource=resource).exists()


def test_deleting_the_data_set_drops_its_tables(clerk, resource, verified_staff):
    publish_file(clerk, upload(clerk, resource, aed_csv(3).encode("utf-8")))
    editing.delete_dataset(verified_staff("approver"), resource.dataset)
    assert not tables.table_exists(str(resource.pk))


def test_failed_tables_and_pdfs_are_not_loaded(clerk, resource):
    def spoil(table: list[list[str]]) -> None:
        table[2][AED.labels.index("緯度")] = "35度33分"

    stored = upload(clerk, resource, aed_csv(change=spoil).encode("utf-8"))
    assert stored.status == CheckStatus.FAILED
    assert load_published_file(stored.pk) is None
    with connection.cursor():
        assert not tables.table_exists(str(resource.pk))


def test_a_table_replaced_by_a_pdf_leaves_the_datastore(clerk, resource):
    publish_file(clerk, upload(clerk, resource, aed_csv(3).encode("utf-8")))
    pdf = receive_upload(clerk, resource, SimpleUploadedFile("a.pdf", _pdf()))
    pdf.refresh_from_db()
    assert pdf.publishable
    publish_file(clerk, pdf)
    resource.refresh_from_db()
    assert not resource.datastore_active and not tables.table_exists(str(resource.pk))


def _pdf() -> bytes:
    from jichitai.opendata.demo import _report_pdf

    return _report_pdf("報告書")


def test_the_planner_keeps_its_statistics_after_the_swap(clerk, resource):
    publish_file(clerk, upload(clerk, resource, aed_csv(5).encode("utf-8")))
    with connection.cursor() as cursor:
        if tables.is_postgresql():
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'datastore' AND tablename = %s",
                [str(resource.pk)],
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [str(resource.pk)])
        assert cursor.fetchone()[0] > 0


def test_the_tables_a_transactional_test_made_are_dropped_after_it(make_dataset) -> None:
    from jichitai.opendata.tests.datastore_cleanup import datastore_tables, drop_datastore_tables

    resource = make_dataset("施設", resources=[{"name": "施設"}]).resources.get()
    frame = pl.DataFrame({"c0": ["大森", "蒲田"]})
    fields, typed = typed_frame(["名称"], frame, None)
    load_frame(resource.pk, fields, typed, source_file_id=None)
    staging = f"{resource.pk}__deadbeef"  # a load whose worker died
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {tables.qualified(staging)} (x int)")
    assert datastore_tables() == sorted([str(resource.pk), staging])
    # What the root conftest's _no_datastore_tables_left does after each such test.
    drop_datastore_tables()
    assert datastore_tables() == []
    assert DatastoreTable.objects.count() == 1  # the application's tables are left to the flush
