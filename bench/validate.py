"""Benchmark: validating a large standard-data-set CSV against its Table Schema.

Generates AED設置箇所一覧 (older layout, 22 columns) with errors seeded every few hundred rows —
unreadable numbers and times, codes and kana breaking their patterns, coordinates outside
Japan, words outside 有/無, blank required names, blank, short and long rows — and validates
it with ours and with frictionless-py (the reference) in the same run. Both must report the
same errors (type, row, column, constraint); the run fails if they do not.
`ratio` is frictionless's time over ours.

    make bench B=validate                 # 1,000,000 rows (frictionless takes minutes)
    .venv/bin/python bench/validate.py --entries 2000
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEDED_EVERY = 487  # a prime, so seeded kinds fall on every column over the run


def seeded_rows(layout, rows: int) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    from jichitai.opendata.standards.samples import sample_rows

    column = {name: index for index, name in enumerate(layout.labels)}
    spoilers = [
        ("都道府県コード又は市区町村コード", "1311X"),
        ("名称", ""),
        ("名称_カナ", "かまたさんぷる"),
        ("緯度", "139.716"),
        ("経度", "35.561"),
        ("緯度", "35度33分"),
        ("開始時間", "9時"),
        ("終了時間", "25:00"),
        ("小児対応設備の有無", "あり"),
        ("法人番号", "123"),
    ]
    every = max(2, min(SEEDED_EVERY, rows // 10))
    for number, row in enumerate(sample_rows(layout, rows, title="AED"), 1):
        if number % every == 0:
            kind = (number // every) % (len(spoilers) + 3)
            if kind < len(spoilers):
                name, value = spoilers[kind]
                row[column[name]] = value
            elif kind == len(spoilers):
                row = [""] * len(row)  # a blank row
            elif kind == len(spoilers) + 1:
                row = row[:-3]  # a short row
            else:
                row = [*row, "余分"]  # a long row
        yield row


def reference_keys(report) -> set[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    keys = set()
    for error in report.tasks[0].errors:
        note = ""
        if error.type == "constraint-error":
            note = re.match(r'constraint "(\w+)"', error.note).group(1)
        field_number = getattr(error, "field_number", None)
        keys.add((error.type, error.row_number, field_number, note))
    return keys


def our_keys(report) -> set[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return {
        (i.type, i.row_number, i.field_number, i.note if i.type == "constraint-error" else "")
        for i in report.issues
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000, help="data rows")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from frictionless import Resource, Schema, validate

    from jichitai.opendata.standards import standard_by_id
    from jichitai.opendata.tabular.encoding import decode_table
    from jichitai.opendata.tabular.table_schema import TableSchema
    from jichitai.opendata.tabular.validator import validate_csv

    layout = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="jichitai-bench-") as scratch:
        path = Path(scratch, "aed.csv")
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(layout.labels)
            writer.writerows(seeded_rows(layout, args.entries))
        limit = args.entries * 4 + 100

        started = time.perf_counter()
        decoded = decode_table(path.read_bytes())
        ours = validate_csv(
            decoded, TableSchema.from_descriptor(layout.descriptor), limit_errors=limit
        )
        our_seconds = time.perf_counter() - started

        started = time.perf_counter()
        resource = Resource(
            path=path.name, basepath=scratch, schema=Schema.from_descriptor(layout.descriptor)
        )
        reference = validate(resource, limit_errors=limit)
        reference_seconds = time.perf_counter() - started

    ours_set, reference_set = our_keys(ours), reference_keys(reference)
    same = ours_set == reference_set
    if not same:
        print("only ours:", sorted(ours_set - reference_set, key=str)[:10], file=sys.stderr)
        print("only reference:", sorted(reference_set - ours_set, key=str)[:10], file=sys.stderr)
    print(
        f"bench validate: ratio={reference_seconds / our_seconds:.1f} rows={args.entries} "
        f"ours_s={our_seconds:.2f} reference_s={reference_seconds:.2f} "
        f"errors={ours.error_count} same_errors={'yes' if same else 'no'}"
    )
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
