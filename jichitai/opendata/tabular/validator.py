"""Validating a table against a Table Schema, a column at a time.

A municipal file has up to a million rows; checking cell by cell in Python (as frictionless-py
does) takes minutes. We parse the CSV once, load the columns into polars, and check each
column with vectorised expressions for the canonical spellings of values (`123`, `35.6`,
`2024-04-01`, `09:00`). Every other distinct value goes through `cells.FieldJudge`, which
reads it exactly as the standard does — so the errors are the same as the reference's, and
the cost is one Python call per unusual distinct value instead of one per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from jichitai.opendata.tabular.cells import FieldJudge, reader_for
from jichitai.opendata.tabular.encoding import Decoded
from jichitai.opendata.tabular.report import PHASES, Issue, Report
from jichitai.opendata.tabular.table import Table, read_rows, table_from_rows
from jichitai.opendata.tabular.table_schema import Field, TableSchema
from jichitai.opendata.tabular.unquoted import first_records, one_record_per_line, unquoted_table

# Canonical spellings polars can check and convert in bulk, per type (and format).
_FAST: dict[tuple[str, str], tuple[str, Any]] = {
    ("integer", "default"): (r"^-?[0-9]{1,18}$", pl.Int64),
    ("number", "default"): (r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$", pl.Float64),
    ("year", "default"): (r"^[0-9]{4}$", pl.Int64),
    ("date", "default"): (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", ("date", "%Y-%m-%d")),
    ("date", "%Y-%m-%d"): (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", ("date", "%Y-%m-%d")),
    ("time", "%H:%M"): (r"^[0-9]{2}:[0-9]{2}$", ("time", "%H:%M")),
    ("time", "default"): (r"^[0-9]{2}:[0-9]{2}:[0-9]{2}$", ("time", "%H:%M:%S")),
}
# Rows checked at a time: a chunk's columns are checked before the next chunk's, so a long
# check can report its progress (rows done of rows in all) as it goes.
CHUNK_ROWS = 100_000
RowProgress = Callable[[int, int], None]

_BOUNDS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
}


def _missing(column: pl.Series, missing_values: tuple[str, ...]) -> pl.Series:
    if missing_values == ("",):
        # The usual case, by the length alone (no hashing of every cell).
        return column.str.len_bytes().fill_null(0) == 0
    return column.is_null() | column.is_in(list(missing_values))


def _parse_fast(column: pl.Series, target: Any) -> pl.Series:
    if isinstance(target, tuple):
        kind, pattern = target
        dtype = pl.Date if kind == "date" else pl.Time
        return column.str.strptime(dtype, pattern, strict=False)
    return column.cast(target, strict=False)


def _comparable(value: Any) -> Any:
    """Slow-path values in the types polars uses, so both paths compare alike."""
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class _Checked:
    type_bad: pl.Series | None  # rows whose cell is not of the type (None: no such row)
    failed: dict[str, pl.Series]  # constraint name → rows breaking it
    # Values for uniqueness and keys (null when missing or unreadable); only for the fields
    # that are unique or in the primary key, as no other check reads them.
    parsed: pl.Series | None


def _check_field(field: Field, column: pl.Series, missing: pl.Series, keep: bool) -> _Checked:
    present = ~missing
    fast = _FAST.get((field.type, field.format))
    if field.type == "string" and field.format == "default":
        # Every present cell is a string: only the constraints are left to check.
        failed = {
            name: _fast_constraint(field, name, column, column) & present for name in _names(field)
        }
        kept = pl.select(pl.when(present).then(column)).to_series() if keep else None
        return _Checked(None, failed, kept)
    if field.type == "boolean":
        allowed = [*field.true_values, *field.false_values]
        fast_ok = present & column.is_in(allowed)
        parsed = column.replace_strict(
            {**dict.fromkeys(field.true_values, True), **dict.fromkeys(field.false_values, False)},
            default=None,
            return_dtype=pl.Boolean,
        )
    elif fast is not None:
        pattern, target = fast
        parsed = _parse_fast(column, target)
        fast_ok = present & column.str.contains(pattern) & parsed.is_not_null()
    else:
        fast_ok = pl.repeat(False, len(column), eager=True)
        parsed = pl.repeat(None, len(column), dtype=pl.String, eager=True)

    failed = {
        name: _fast_constraint(field, name, column, parsed) & fast_ok for name in _names(field)
    }
    type_bad = None

    # Everything else, one distinct value at a time, read exactly as the standard reads it.
    slow_mask = present & ~fast_ok
    slow = column.filter(slow_mask).unique().to_list()
    if slow:
        judge = FieldJudge(field)
        verdicts = {cell: judge(cell) for cell in slow}
        unreadable = [cell for cell, (_, why) in verdicts.items() if why == ("type",)]
        if unreadable:
            type_bad = slow_mask & column.is_in(unreadable)
        for name in failed:
            breaking = [cell for cell, (_, why) in verdicts.items() if name in why]
            if breaking:
                failed[name] = failed[name] | (slow_mask & column.is_in(breaking))
        values = {cell: _comparable(value) for cell, (value, why) in verdicts.items()}
        read = {cell: value for cell, value in values.items() if value is not None}
        if read and keep:
            slow_parsed = column.replace_strict(read, default=None, return_dtype=parsed.dtype)
            parsed = pl.select(pl.when(fast_ok).then(parsed).otherwise(slow_parsed)).to_series()
    if not keep:
        return _Checked(type_bad, failed, None)
    readable = present if type_bad is None else present & ~type_bad
    return _Checked(type_bad, failed, pl.select(pl.when(readable).then(parsed)).to_series())


def _names(field: Field) -> list[str]:
    return [n for n in field.constraint_order if n in field.constraints and n != "required"]


def _fast_constraint(field: Field, name: str, column: pl.Series, parsed: pl.Series) -> pl.Series:
    wanted = field.constraints[name]
    if name in _BOUNDS:
        bound = _comparable(reader_for(field)(str(wanted)))
        if parsed.dtype == pl.Float64:
            # NaN fails every bound (cannot reach here from the canonical spelling, but safe).
            compare = getattr(parsed, _BOUNDS[name])(bound)
            return compare.fill_null(False).not_() | parsed.is_nan().fill_null(False)
        return getattr(parsed, _BOUNDS[name])(bound).fill_null(False).not_()
    if name == "minLength":
        return column.str.len_chars() < wanted
    if name == "maxLength":
        return column.str.len_chars() > wanted
    if name == "pattern":
        try:
            return column.str.contains(f"^{wanted}$").not_()
        except pl.exceptions.ComputeError:
            # A pattern polars' engine cannot run: Python's, per distinct value.
            regex = re.compile(f"^{wanted}$")
            bad = [v for v in column.drop_nulls().unique().to_list() if not regex.match(v)]
            return column.is_in(bad)
    if name == "enum":
        read = reader_for(field)
        allowed = [_comparable(read(str(item))) for item in wanted]
        return parsed.is_in(allowed).fill_null(False).not_()
    raise ValueError(name)


def _check_in_chunks(
    schema: TableSchema,
    frame: pl.DataFrame,
    missing: list[pl.Series],
    progress: RowProgress | None,
) -> list[_Checked]:
    """Each field's checks, CHUNK_ROWS rows at a time (a cell's checks depend on that cell
    only; uniqueness and keys are judged afterwards over the joined results)."""
    height = frame.height
    keyed = set(schema.primary_key)
    parts: list[list[_Checked]] = [[] for _ in schema.fields]
    for offset in range(0, max(height, 1), CHUNK_ROWS):
        for number, field in enumerate(schema.fields):
            column = frame[f"c{number}"].slice(offset, CHUNK_ROWS)
            keep = field.unique or field.name in keyed
            parts[number].append(
                _check_field(field, column, missing[number].slice(offset, CHUNK_ROWS), keep)
            )
        if progress is not None:
            progress(min(offset + CHUNK_ROWS, height), height)
    lengths = [min(CHUNK_ROWS, height - offset) for offset in range(0, max(height, 1), CHUNK_ROWS)]
    return [_joined(chunks, lengths) for chunks in parts]


def _joined(chunks: list[_Checked], lengths: list[int]) -> _Checked:
    if len(chunks) == 1:
        return chunks[0]
    type_bad = None
    if any(c.type_bad is not None for c in chunks):
        type_bad = pl.concat(
            [
                pl.repeat(False, rows, eager=True) if c.type_bad is None else c.type_bad
                for c, rows in zip(chunks, lengths, strict=True)
            ]
        )
    kept = [c.parsed for c in chunks if c.parsed is not None]  # all chunks of a field or none
    return _Checked(
        type_bad,
        {name: pl.concat([c.failed[name] for c in chunks]) for name in chunks[0].failed},
        pl.concat(kept) if kept else None,
    )


def _rows(mask: pl.Series) -> list[int]:
    return mask.arg_true().to_list()


def validate_rows(
    labels: list[str],
    rows: list[list[str]],
    schema: TableSchema,
    *,
    limit_errors: int | None = 1000,
) -> Report:
    """Check rows (without the header) against the schema, whose fields they follow in order.

    The rows list is adjusted in place (short rows padded, extra cells removed).
    """
    return validate_table(labels, table_from_rows(rows, len(schema.fields)), schema, limit_errors)


def validate_table(
    labels: list[str],
    table: Table,
    schema: TableSchema,
    limit_errors: int | None = 1000,
    progress: RowProgress | None = None,
) -> Report:
    """Check a table whose columns follow the schema's fields in order."""
    width = len(schema.fields)
    issues: list[Issue] = []
    row_number = 2  # The header is row 1.
    missing = [_missing(table.frame[f"c{i}"], schema.missing_values) for i in range(width)]
    blank = pl.select(pl.all_horizontal(missing)).to_series()
    not_blank = ~blank
    checked = _check_in_chunks(schema, table.frame, missing, progress)
    for number, field in enumerate(schema.fields, 1):
        column = table.frame[f"c{number - 1}"]
        result = checked[number - 1]
        type_bad = [] if result.type_bad is None else _rows(result.type_bad & not_blank)
        for index in type_bad:
            issues.append(
                Issue(
                    "type-error", index + row_number, field.name, number, column[index], field.type
                )
            )
        if field.required:
            for index in _rows(missing[number - 1] & not_blank):
                issues.append(
                    Issue(
                        "constraint-error", index + row_number, field.name, number, None, "required"
                    )
                )
        for name, mask in result.failed.items():
            for index in _rows(mask & not_blank):
                issues.append(
                    Issue(
                        "constraint-error",
                        index + row_number,
                        field.name,
                        number,
                        column[index],
                        name,
                    )
                )
        if result.parsed is not None and field.unique:
            duplicate = result.parsed.is_not_null() & ~result.parsed.is_first_distinct()
            # Nulls are never duplicates of each other.
            for index in _rows(duplicate & not_blank):
                issues.append(
                    Issue(
                        "unique-error",
                        index + row_number,
                        field.name,
                        number,
                        column[index],
                        "unique",
                    )
                )
    for index, present in table.short_rows.items():
        if blank[index]:
            continue
        for number in range(present + 1, width + 1):
            issues.append(
                Issue(
                    "missing-cell", index + row_number, schema.fields[number - 1].name, number, ""
                )
            )
    for index, number, cell in table.extra_cells:
        issues.append(Issue("extra-cell", index + row_number, "", number, cell))
    for index in _rows(blank):
        issues.append(Issue("blank-row", index + row_number))
    if schema.primary_key:
        issues += _primary_key_issues(schema, checked, row_number)
    issues.sort(key=lambda i: (i.row_number or 0, PHASES.get(i.type, 9), i.field_number or 0))
    return Report(labels, table.frame.height, issues[:limit_errors], len(issues))


def _kept(checked: _Checked) -> pl.Series:
    if checked.parsed is None:
        raise ValueError("a key field's values were not kept")
    return checked.parsed


def _primary_key_issues(
    schema: TableSchema, checked: list[_Checked], first_row: int
) -> list[Issue]:
    positions = [schema.field_names.index(name) for name in schema.primary_key]
    key = pl.DataFrame({f"k{i}": _kept(checked[p]) for i, p in enumerate(positions)})
    all_null = key.select(pl.all_horizontal(pl.all().is_null())).to_series()
    first = key.select(pl.struct(pl.all()).is_first_distinct()).to_series()
    duplicate = ~first & ~all_null
    return [Issue("primary-key", index + first_row) for index in _rows(all_null | duplicate)]


def validate_csv(
    source: str | Decoded, schema: TableSchema, *, limit_errors: int | None = 1000
) -> Report:
    """Check CSV (text, or a decoded file) whose first line is the header and whose columns
    follow the schema."""
    data = one_record_per_line(source)
    if data is not None:
        # polars reads the cells (the header line is ours to read).
        table = unquoted_table(data, len(schema.fields), skip_lines=1)
        if table is not None:
            labels = next(iter(first_records(data, 1)), [])
            return validate_table(labels, table, schema, limit_errors)
    labels, rows = read_rows(source.text if isinstance(source, Decoded) else source)
    return validate_rows(labels, rows, schema, limit_errors=limit_errors)
