"""Loading a typed table into the datastore, and swapping it in whole.

A load writes a staging table (`"<resource id>__<random>"`) in its own transaction — bulk
(PostgreSQL COPY; SQLite one executemany), then its indexes — and only then, in a short
second transaction, drops the old table, renames the staging table to the resource's name,
records its fields and sets `Resource.datastore_active`. Nobody ever sees a half-loaded
table: the staging name is in no metadata, and `datastore_search_sql` may read only tables
of resources whose load finished.

Indexes: the `_id` primary key (stable paging), a b-tree on each column (equality and range
filters, and sorting with a limit, use them), and on PostgreSQL a trigram index on
`_full_text` for `q`. Text columns holding long values are not indexed (a b-tree entry is
limited to about 2.7 kB on PostgreSQL, and filtering on long prose is not what they are for).
"""

from __future__ import annotations

import uuid
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from jichitai.opendata.datastore import tables
from jichitai.opendata.datastore.columns import DatastoreField
from jichitai.opendata.models import DatastoreTable, Resource, State

BATCH_ROWS = 100_000
MAX_INDEXED_COLUMNS = 40
MAX_INDEXED_TEXT_BYTES = 1000
# Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana, as core.japanese folds them.
_KATAKANA = [chr(code) for code in range(0x30A1, 0x30F7)]
_HIRAGANA = [chr(code - 0x60) for code in range(0x30A1, 0x30F7)]


def full_text(frame: pl.DataFrame) -> pl.Series:
    """Every cell of a row in one normalised string (NFKC, case folded, katakana as
    hiragana, single spaces), as core.japanese.normalize_for_search folds a query, so that
    `q` finds substrings however they were typed."""
    if frame.width == 0:
        return pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    joined = frame.select(
        pl.concat_str(
            [pl.col(name).cast(pl.String) for name in frame.columns],
            separator=" ",
            ignore_nulls=True,
        )
    ).to_series()
    return (
        joined.str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_many(_KATAKANA, _HIRAGANA)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _as_text(frame: pl.DataFrame, fields: list[DatastoreField]) -> pl.DataFrame:
    """Dates and times as ISO 8601 text and booleans as the databases read them."""
    postgres = tables.is_postgresql()
    formats = {"date": "%Y-%m-%d", "time": "%H:%M:%S", "timestamp": "%Y-%m-%dT%H:%M:%S%.f"}
    converted = []
    for field in fields:
        column = pl.col(field.id)
        if field.type in formats:
            column = column.dt.to_string(formats[field.type])
        elif field.type == "bool" and not postgres:
            column = column.cast(pl.Int8)
        converted.append(column)
    return frame.select(converted)


def _create(name: str, fields: list[DatastoreField]) -> None:
    columns = ", ".join(
        [
            f"{tables.quote('_id')} {tables.sql_type('int')} PRIMARY KEY",
            *(f"{tables.quote(f.id)} {tables.sql_type(f.type)}" for f in fields),
            f"{tables.quote(tables.FULL_TEXT)} {tables.sql_type('text')}",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {tables.qualified(name)} ({columns})")


def _insert(name: str, fields: list[DatastoreField], frame: pl.DataFrame) -> None:
    names = ["_id", *(f.id for f in fields), tables.FULL_TEXT]
    column_list = ", ".join(tables.quote(n) for n in names)
    rows = _as_text(frame, fields)
    rows = rows.with_columns(full_text(frame).alias(tables.FULL_TEXT))
    rows = rows.select(
        pl.int_range(1, rows.height + 1, dtype=pl.Int64, eager=False).alias("_id"), pl.all()
    )
    if tables.is_postgresql():
        # FREEZE (the table was created in this same transaction): rows are written
        # frozen and visible to all, so the first reads need not set hint bits page by
        # page, and counts can be answered from the indexes alone.
        statement = f"COPY {tables.qualified(name)} ({column_list}) FROM STDIN (FORMAT csv, FREEZE)"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for batch in rows.iter_slices(BATCH_ROWS):
                # Nulls are written as nothing, which COPY's CSV format reads as NULL; empty
                # texts were made null before (a missing value in Table Schema).
                copy.write(batch.write_csv(include_header=False, null_value=""))
        return
    connection.ensure_connection()
    placeholders = ", ".join("?" for _ in names)
    # Identifiers are quoted field ids; the values are parameters.
    statement = f"INSERT INTO {tables.qualified(name)} ({column_list}) VALUES ({placeholders})"  # noqa: S608
    raw = connection.connection
    for batch in rows.iter_slices(BATCH_ROWS):
        raw.executemany(statement, batch.iter_rows())


def _indexes(name: str, fields: list[DatastoreField], frame: pl.DataFrame) -> None:
    statements = []
    for number, field in enumerate(fields[:MAX_INDEXED_COLUMNS], 1):
        if field.type == "text":
            longest = frame[field.id].str.len_bytes().max()
            if longest is not None and int(longest) > MAX_INDEXED_TEXT_BYTES:  # type: ignore[arg-type]
                continue
        index = tables.quote(f"{name}_{number}")
        statements.append(
            f"CREATE INDEX {index} ON {tables.qualified(name)} ({tables.quote(field.id)})"
        )
    if tables.trigram_available():
        index = tables.quote(f"{name}_ft")
        statements.append(
            f"CREATE INDEX {index} ON {tables.qualified(name)} "
            f"USING gin ({tables.quote(tables.FULL_TEXT)} gin_trgm_ops)"
        )
    # Statistics, so the planner picks the index that narrows a filter most.
    statements.append(f"ANALYZE {tables.qualified(name)}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def load_frame(
    resource_id: uuid.UUID,
    fields: list[DatastoreField],
    frame: pl.DataFrame,
    *,
    source_file_id: int | None,
) -> DatastoreTable | None:
    """Load typed rows as the resource's datastore table, replacing the one it had.

    The swap happens only if the resource still offers `source_file_id` (a newer file
    published meanwhile wins) and is not deleted; otherwise the staging table is dropped and
    None returned.
    """
    final = str(resource_id)
    staging = f"{final}__{uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        _create(staging, fields)
        _insert(staging, fields, frame)
        _indexes(staging, fields, frame)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().filter(pk=resource_id).first()
        current = resource is not None and resource.state != State.DELETED
        if (
            resource is None
            or not current
            or (source_file_id is not None and resource.published_file_id != source_file_id)
        ):
            tables.drop_table(staging)
            return None
        tables.drop_table(final)
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {tables.qualified(staging)} RENAME TO {tables.quote(final)}"
            )
            if not tables.is_postgresql():
                _carry_sqlite_statistics(cursor, staging, final)
        table, _created = DatastoreTable.objects.update_or_create(
            resource=resource,
            defaults={
                "source_file_id": source_file_id,
                "fields": [field.as_dict() for field in fields],
                "row_count": frame.height,
                "loaded_at": timezone.now(),
            },
        )
        Resource.objects.filter(pk=resource_id).update(datastore_active=True)
    return table


def _carry_sqlite_statistics(cursor: Any, staging: str, final: str) -> None:
    """SQLite keeps ANALYZE's figures by table name and a rename leaves them behind: move
    them to the new name and have the planner read them again."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return
    cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [final])
    cursor.execute("UPDATE sqlite_stat1 SET tbl = %s WHERE tbl = %s", [final, staging])
    cursor.execute("ANALYZE sqlite_master")


def drop_resource_table(resource_id: uuid.UUID) -> None:
    """Drop a resource's datastore table (and any unfinished load of it); the caller holds
    the transaction that takes the resource out of the datastore."""
    final = str(resource_id)
    for name in [final, *tables.staging_tables(final)]:
        tables.drop_table(name)
    DatastoreTable.objects.filter(resource_id=resource_id).delete()
    Resource.objects.filter(pk=resource_id).update(datastore_active=False)


def describe(fields: list[dict[str, Any]]) -> list[DatastoreField]:
    return [DatastoreField(f["id"], f["type"], f.get("label", f["id"])) for f in fields]
