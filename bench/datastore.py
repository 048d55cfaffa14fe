"""Benchmark: `datastore_search` on a table of a million rows, against the same query in SQL.

Generates a facility table (1,000,000 rows by default: id, ward area, kind, name, capacity,
floor area, opening date), loads it into the datastore with the real loader (typed columns,
COPY on PostgreSQL, one executemany on SQLite, indexes, the atomic swap), then asks
`datastore_search` with a filter on two columns (`区` and `種別`, a few thousand matching
rows) and a sort (`定員 desc`), 100 rows and the total, through the real endpoint
(`/api/3/action/datastore_search`, Django's test client, no network).

Reference (in the same run, same database, same connection): the same query written by hand
in SQL — the SELECT with its ORDER BY and LIMIT, and the COUNT for the total — run on the
database cursor. `ratio` = search p95 ÷ SQL p95 on PostgreSQL (SQLite's figures beside it).
Target: ratio ≤ 3.

    make bench B=datastore                     # 1,000,000 rows
    .venv/bin/python bench/datastore.py --entries 20000

Measured on the shared 2-core development machine (load average 5–7 from other work), 2026-11-29:
ratio=1.13 (PostgreSQL: search p95 210 ms, SQL p95 185 ms; load 70 s), SQLite ratio 1.06
(search p95 408 ms, SQL p95 386 ms; load 23 s); 4,722 rows match the first filter. The time
is the database's (reading the matches through one column's index); our overhead is the
visibility check and the JSON, a few milliseconds.

Each database runs in its own process (Django is configured once per process). Without a
reachable PostgreSQL server its figures are `nan` and the run says so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import live_server  # noqa: E402  (after the path is set)

AREAS = [
    "大森", "蒲田", "糀谷", "羽田", "田園調布", "雪谷", "千束", "六郷", "矢口", "池上",
    "馬込", "入新井", "新井宿", "嶺町", "鵜の木", "久が原", "調布大塚", "東六郷",
]  # fmt: skip
KINDS = [
    "図書館", "児童館", "保育園", "公園", "集会所", "体育館", "区民センター", "特別出張所",
    "文化センター", "老人いこいの家", "消防団", "自転車駐車場",
]  # fmt: skip
LABELS = ["施設ID", "区", "種別", "名称", "定員", "面積", "開設日"]


def generate(rows: int) -> Any:
    """The table's cells as text, as the check hands them to the loader."""
    import polars as pl

    number = pl.int_range(0, rows, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"n": number}).with_columns(
        area=pl.col("n").hash(1) % len(AREAS),
        kind=pl.col("n").hash(2) % len(KINDS),
        capacity=pl.col("n").hash(3) % 2000,
        area_m2=pl.col("n").hash(4) % 500_000,
        day=pl.col("n").hash(5) % 18_000,
    )
    areas = pl.Series(AREAS)
    kinds = pl.Series(KINDS)
    return frame.select(
        c0=(pl.col("n") + 1).cast(pl.String),
        c1=pl.col("area").map_batches(lambda s: areas.gather(s)),
        c2=pl.col("kind").map_batches(lambda s: kinds.gather(s)),
        c3=pl.concat_str(
            [
                pl.col("area").map_batches(lambda s: areas.gather(s)),
                pl.col("kind").map_batches(lambda s: kinds.gather(s)),
                pl.lit("第"),
                (pl.col("n") + 1).cast(pl.String),
            ]
        ),
        c4=pl.when(pl.col("capacity") % 50 == 0)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("capacity").cast(pl.String)),
        c5=(pl.col("area_m2") / 100).round(2).cast(pl.String),
        c6=(pl.date(1975, 1, 1) + pl.duration(days=pl.col("day"))).dt.to_string("%Y-%m-%d"),
    )


def load(rows: int) -> tuple[Any, float]:
    from jichitai.core.models import Municipality, OrgUnit
    from jichitai.opendata.datastore.columns import typed_frame
    from jichitai.opendata.datastore.loader import load_frame
    from jichitai.opendata.services.catalogue import create_dataset
    from jichitai.opendata.tabular.table_schema import TableSchema

    city = Municipality.objects.create(
        code="131113", name_ja="大田区", name_en="Ota City", prefecture_ja="東京都"
    )
    division = OrgUnit.objects.create(
        municipality=city, level="division", code="kikaku", name_ja="企画経営部"
    )
    department = OrgUnit.objects.create(
        municipality=city,
        parent=division,
        level="department",
        code="shisetsu",
        name_ja="施設管理課",
    )
    dataset = create_dataset(
        department,
        name="facilities",
        title="公共施設一覧（ベンチマーク）",
        state="active",
        resources=[{"name": "施設一覧"}],
    )
    resource = dataset.resources.get()
    schema = TableSchema.from_descriptor(
        {
            "fields": [
                {"name": "施設ID", "type": "integer"},
                {"name": "区"},
                {"name": "種別"},
                {"name": "名称"},
                {"name": "定員", "type": "integer"},
                {"name": "面積", "type": "number"},
                {"name": "開設日", "type": "date"},
            ]
        }
    )
    frame = generate(rows)
    started = time.perf_counter()
    fields, typed = typed_frame(LABELS, frame, schema.fields)
    load_frame(resource.pk, fields, typed, source_file_id=None)
    return resource, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def measure(resource: Any, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from jichitai.opendata.datastore.tables import qualified

    client = Client(HTTP_HOST="127.0.0.1")
    table = qualified(str(resource.pk))
    pairs = [(area, kind) for area in AREAS for kind in KINDS]

    def search(number: int) -> tuple[float, dict[str, Any]]:
        area, kind = pairs[number % len(pairs)]
        data = {
            "resource_id": str(resource.pk),
            "filters": json.dumps({"区": area, "種別": kind}, ensure_ascii=False),
            "sort": "定員 desc",
            "limit": "100",
        }
        started = time.perf_counter()
        response = client.get("/api/3/action/datastore_search", data)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:500]
        return elapsed, response.json()["result"]

    # The same query by hand: the page of rows in the same order, and the total.
    select = (
        f'SELECT "_id", "施設ID", "区", "種別", "名称", "定員", "面積", "開設日" FROM {table}'  # noqa: S608
        ' WHERE "区" = %s AND "種別" = %s ORDER BY "定員" DESC NULLS FIRST, "_id" LIMIT 100'
    )
    count = f'SELECT COUNT(*) FROM {table} WHERE "区" = %s AND "種別" = %s'  # noqa: S608

    def direct(number: int) -> tuple[float, tuple[list[Any], int]]:
        area, kind = pairs[number % len(pairs)]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(select, [area, kind])
            rows = cursor.fetchall()
            cursor.execute(count, [area, kind])
            total = cursor.fetchone()[0]
        return (time.perf_counter() - started) * 1000, (rows, total)

    for number in range(20):  # warm up: caches, connections, imports
        search(number)
        direct(number)
    # Both answer the same: same rows in the same order, same total.
    found = search(0)[1]
    rows, total = direct(0)[1]
    assert found["total"] == total and [r["_id"] for r in found["records"]] == [
        row[0] for row in rows
    ]
    search_ms, sql_ms = [], []
    for number in range(requests):  # interleaved, so both see the same machine load
        search_ms.append(search(number)[0])
        sql_ms.append(direct(number)[0])
    return {
        "search_p50": percentile(search_ms, 0.5),
        "search_p95": percentile(search_ms, 0.95),
        "sql_p50": percentile(sql_ms, 0.5),
        "sql_p95": percentile(sql_ms, 0.95),
        "matches": total,
    }


def child(rows: int, requests: int) -> None:
    """Runs in a process of its own with DATABASE_URL set: migrate, load, measure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    resource, load_s = load(rows)
    figures = measure(resource, requests)
    figures["load_s"] = load_s
    print(json.dumps(figures, ensure_ascii=False))


def run_on(database_url: str, rows: int, requests: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603  (our own script, our own arguments)
        [sys.executable, __file__, "--child", "--entries", str(rows), "--requests", str(requests)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the benchmark failed on {database_url.split(':', 1)[0]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000, help="rows in the table")
    parser.add_argument("--requests", type=int, default=300, help="searches and SQL queries")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.entries, args.requests)
        return
    requests = min(args.requests, max(20, args.entries))
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="jichitai-datastore-") as scratch:
        figures["sqlite"] = run_on(f"sqlite:///{scratch}/datastore.sqlite3", args.entries, requests)
        url, created = live_server.scratch_database(Path(scratch), postgres=True)
        try:
            if created is not None:
                figures["postgresql"] = run_on(url, args.entries, requests)
        finally:
            live_server.drop_database(created)
    nan = {
        key: float("nan") for key in ("search_p50", "search_p95", "sql_p50", "sql_p95", "load_s")
    }
    sqlite, postgresql = figures["sqlite"], figures.get("postgresql", {**nan, "matches": 0})
    for database, found in figures.items():
        print(
            f"{database}: loaded {args.entries} rows in {found['load_s']:.1f} s;"
            f" search p50 {found['search_p50']:.1f} ms p95 {found['search_p95']:.1f} ms;"
            f" SQL p50 {found['sql_p50']:.1f} ms p95 {found['sql_p95']:.1f} ms;"
            f" {found['matches']} matching rows (first filter)"
        )
    reference = postgresql if "postgresql" in figures else sqlite
    print(
        f"bench datastore: ratio={reference['search_p95'] / reference['sql_p95']:.2f}"
        f" search_p95_ms={postgresql['search_p95']:.1f}"
        f" sql_p95_ms={postgresql['sql_p95']:.1f}"
        f" rows={args.entries}"
        f" search_p50_ms={postgresql['search_p50']:.1f}"
        f" sql_p50_ms={postgresql['sql_p50']:.1f}"
        f" load_s={postgresql['load_s']:.1f}"
        f" ratio_sqlite={sqlite['search_p95'] / sqlite['sql_p95']:.2f}"
        f" search_p95_ms_sqlite={sqlite['search_p95']:.1f}"
        f" sql_p95_ms_sqlite={sqlite['sql_p95']:.1f}"
        f" load_s_sqlite={sqlite['load_s']:.1f}"
    )


if __name__ == "__main__":
    main()
