"""Facet columns: what the data set search counts facets on, kept on each data set.

`package_search` counts facets (department, format, licence, groups, tags) over every match.
Department and licence are columns of the data set already; its formats, groups and tags are
kept beside them in `facet_formats`, `facet_groups` and `facet_tags` (each value once, sorted,
joined by TERM_SEPARATOR), refreshed by `touch()`. A search then asks the database for the
matches grouped by the requested fields' columns — one scan, counted in the database — and
adds the few groups up here: combinations of department, licence and formats repeat, so tens
of thousands of matches come back as a few thousand rows. Groups and tags are kept by id, so
renaming one changes no data set.

Measured (bench/catalog, 50,000 data sets):
- a bigram index (GIN on PostgreSQL, FTS5 on SQLite) for the words did not pay here: the words
  residents type match thousands of data sets, and a plain substring scan of `search_text`
  was as fast for those and faster for the broadest;
- reading every match's facet values into Python and counting them there (the previous
  design, one `facet_terms` column) cost about as much as the scan itself for broad words
  (48,000 rows fetched and split); grouping in the database removed most of that.

Broad words: a word found in most of the catalogue (大田区 in every description) made that
grouping the slowest part of a search (SQLite sorts every match to group it). Facets are
additive, so the matches' counts are the base set's totals (every data set the caller may see,
without the words) minus the counts over the data sets the words do *not* find, a few rows.
Totals are cached under the catalogue's version token (models.CatalogueVersion), which database
triggers change on every write that could change them, so a cached total is never stale; a
small sample of the base set decides which side is smaller (see `counted_by_complement`).

Measured and not adopted (bench/catalog, 50,000 data sets, CPU milliseconds on SQLite because
the shared machine's load swings wall times two- to threefold):
- counting every value in one pass with conditional aggregates (`sum(owner_org_id = 4)`, …)
  instead of GROUP BY: 47–54 ms against 55–60 for 大田区, and it cannot hold thousands of tags;
- grouping on small integers instead of strings: the sort costs 23 ms instead of 40; a
  narrow table of the searched and counted columns scans in 14 ms instead of 18–20 (26 MB
  instead of 67 MB on PostgreSQL: 33–48 ms instead of 57–59). Both need a second copy of every
  data set kept in step with it; the complement above removed the sort for broad words instead;
- a bigram GIN index on PostgreSQL for two-character words: as an expression index each
  recheck recomputes the bigrams (一覧: 660 ms); as a stored array column 避難 takes 9 ms but
  the planner reads 人口 (31 % of the catalogue) by a sequential scan testing the array (120
  ms), and the column widens the rows every other scan reads.
"""

from __future__ import annotations

import hashlib
import operator
import uuid
from collections import Counter
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet

from jichitai.opendata.models import Dataset, Resource

TERM_SEPARATOR = "\x1e"
# The column each facet field is counted on; the multi-valued ones hold joined values.
FACET_COLUMNS = {
    "organization": "owner_org_id",
    "groups": "facet_groups",
    "tags": "facet_tags",
    "res_format": "facet_formats",
    "license_id": "license_id",
}
MULTI_VALUED = {"facet_formats", "facet_groups", "facet_tags"}


def facet_values_of(dataset: Dataset) -> dict[str, str]:
    """The data set's multi-valued facet columns, from its resources, groups and tags."""
    return {
        "facet_formats": joined({resource.format for resource in dataset.resources.all()}),
        "facet_groups": joined(set(dataset.groups.values_list("pk", flat=True))),
        "facet_tags": joined(set(dataset.tags.values_list("pk", flat=True))),
    }


def joined(values: set[object]) -> str:
    cleaned = (str(value).replace(TERM_SEPARATOR, "") for value in values)
    return TERM_SEPARATOR.join(sorted(value for value in cleaned if value))


def rebuild() -> None:
    """Recompute every data set's facet columns, e.g. after bulk writes that bypassed touch().
    Reads each related table once instead of once per data set."""
    values: dict[uuid.UUID, dict[str, set[object]]] = {
        pk: {column: set() for column in MULTI_VALUED}
        for pk in Dataset.objects.values_list("pk", flat=True).iterator(chunk_size=5000)
    }
    for dataset_id, format_ in Resource.objects.values_list("dataset_id", "format"):
        values[dataset_id]["facet_formats"].add(format_)
    for dataset_id, group_id in Dataset.groups.through.objects.values_list(
        "dataset_id", "group_id"
    ):
        values[dataset_id]["facet_groups"].add(group_id)
    for dataset_id, tag_id in Dataset.tags.through.objects.values_list("dataset_id", "tag_id"):
        values[dataset_id]["facet_tags"].add(tag_id)
    Dataset.objects.bulk_update(
        [
            Dataset(pk=pk, **{column: joined(found) for column, found in columns.items()})
            for pk, columns in values.items()
        ],
        sorted(MULTI_VALUED),
        batch_size=1000,
    )


# Facet counts over every match: the total and, for each column, its values' counts.
Counts = tuple[int, dict[str, Counter[str]]]
# The data set columns facet totals depend on; the triggers of migration 0013 watch these.
TOTALS_COLUMNS = ("state", "private", "owner_org_id", "license_id", *sorted(MULTI_VALUED))
# The token, and how many of the triggers that change it are in place (all, or it is not used).
TOKEN_QUERIES = {
    "sqlite": (
        "SELECT token, (SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        " AND tbl_name = 'opendata_dataset' AND name IN ('opendata_catalogue_inserted',"
        " 'opendata_catalogue_deleted', 'opendata_catalogue_updated'))"
        " FROM opendata_catalogueversion WHERE id = 1",
        3,
    ),
    "postgresql": (
        "SELECT token, (SELECT count(*) FROM pg_trigger WHERE tgrelid ="
        " 'opendata_dataset'::regclass AND tgname = 'opendata_catalogue_changed'"
        " AND tgenabled <> 'D') FROM opendata_catalogueversion WHERE id = 1",
        1,
    ),
}
TOTALS_TIMEOUT = 3600  # seconds; entries under a replaced token are never read again
SAMPLE_SIZE = 400  # base set rows tested to tell a broad word from a narrow one
BROAD_SHARE = 0.5  # count the complement when the words find more than this share


def grouped_counts(matches: QuerySet[Dataset], columns: Sequence[str]) -> Counts:
    """How many data sets `matches` holds and each column's values' counts, from one query
    grouping the matches by the columns; the groups, far fewer than the matches, are added up
    here (multi-valued columns split into their values)."""
    grouped = matches.order_by().values_list(*columns).annotate(matches=Count("pk"))
    total = 0
    by_column: dict[str, Counter[str]] = {column: Counter() for column in columns}
    for *values, count in grouped:
        total += count
        for column, value in zip(columns, values, strict=True):
            if column in MULTI_VALUED:
                for term in value.split(TERM_SEPARATOR) if value else ():
                    by_column[column][term] += count
            elif value is not None and value != "":
                by_column[column][str(value)] += count
    return total, by_column


def catalogue_token() -> str | None:
    """The catalogue's current version token, or None when it cannot be trusted: its row is
    gone (a test flush) or the triggers that change it are missing (a table rebuilt by a later
    migration drops SQLite's triggers) — then nothing is cached."""
    query = TOKEN_QUERIES.get(connection.vendor)
    if query is None:
        return None
    sql, expected = query
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None or row[1] != expected:
        return None
    return str(row[0])


def totals(base: QuerySet[Dataset], columns: Sequence[str], scope: tuple[Any, ...]) -> Counts:
    """grouped_counts() of the base set, cached under the catalogue's version token. `scope`
    must name everything besides the data set table that decides the base set (the caller's
    departments, include_private, include_drafts)."""
    token = catalogue_token()
    if token is None:
        return grouped_counts(base, columns)
    fingerprint = repr((token, tuple(columns), scope)).encode()
    key = f"opendata:facet-totals:{hashlib.sha256(fingerprint).hexdigest()}"
    found: Counts | None = cache.get(key)
    if found is None:
        found = grouped_counts(base, columns)
        cache.set(key, found, TOTALS_TIMEOUT)
    return found


def text_terms(condition: Q) -> list[str] | None:
    """The words of a condition that only asks for words in `search_text` (all of them), or
    None for any other condition (fields, OR, NOT), which is then counted directly."""
    if condition.negated or (condition.connector != Q.AND and len(condition.children) > 1):
        return None
    terms: list[str] = []
    for child in condition.children:
        if isinstance(child, Q):
            inner = text_terms(child)
            if inner is None:
                return None
            terms += inner
        elif child == ("pk__isnull", False):  # solr_query.ALL
            continue
        elif (
            isinstance(child, tuple)
            and child[0] == "search_text__contains"
            and isinstance(child[1], str)
        ):
            terms.append(child[1])
        else:
            return None
    return terms


def counted_by_complement(
    base: QuerySet[Dataset], terms: list[str], columns: Sequence[str], scope: tuple[Any, ...]
) -> Counts:
    """grouped_counts() of the data sets in `base` whose search_text holds every term.

    Without terms these are the base set's cached totals. When a sample of the base set says
    the terms find most of it, the counts are the totals minus those of the data sets the
    terms miss (few: one short scan, no large grouping); otherwise the matches are grouped."""
    found = Q()
    for term in terms:
        found &= Q(search_text__contains=term)
    if not terms:
        return totals(base, columns, scope)
    sample = Dataset.objects.filter(pk__in=base.order_by().values("pk")[:SAMPLE_SIZE]).aggregate(
        size=Count("pk"), hits=Count("pk", filter=found)
    )
    if not sample["size"] or sample["hits"] <= sample["size"] * BROAD_SHARE:
        return grouped_counts(base.filter(found), columns)
    total, by_column = totals(base, columns, scope)
    missed = reduce(operator.or_, (~Q(search_text__contains=term) for term in terms))
    missed_total, missed_by_column = grouped_counts(base.filter(missed), columns)
    return total - missed_total, {
        column: +(counts - missed_by_column[column]) for column, counts in by_column.items()
    }
