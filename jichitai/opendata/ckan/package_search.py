"""`package_search`: the one action every harvester and portal front end depends on.

Semantics follow CKAN's (reference/opendata.md §1.4): `q` and `fq` filter, published active
data sets only unless `include_private` / `include_drafts` (limited to what the caller may
see), `rows` 10 by default and at most 1000, `sort` over a fixed set of fields with the id
as the last key so that paging is stable, and facet counts over all matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import F, Q, QuerySet

from jichitai.accounts.policies import departments_visible_to
from jichitai.core.models import OrgUnit
from jichitai.opendata import search_index
from jichitai.opendata.ckan import params, solr_query
from jichitai.opendata.ckan.dictize import package_dict
from jichitai.opendata.ckan.errors import SearchQueryError
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import Dataset, Group, State, Tag
from jichitai.opendata.policies import PUBLISHED, datasets_visible_to

DEFAULT_SORT = "score desc, metadata_modified desc"
ROWS_DEFAULT, ROWS_MAX = 10, 1000
FACET_LIMIT_DEFAULT = 50
SORT_FIELDS = {
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "name": "name",
    "title_string": "title",
    "title": "title",
    "id": "id",
}


@dataclass(frozen=True)
class SearchRequest:
    q: str
    fq: str  # fq and the fq_list entries, for what they mention
    filters: tuple[str, ...]  # each a filter of its own, as Solr receives fq and fq_list
    rows: int
    start: int
    sort: str
    facet_fields: list[str]
    facet_limit: int
    facet_mincount: int
    include_private: bool
    include_drafts: bool

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SearchRequest:
        filters = (params.text(data, "fq"), *(params.string_list(data, "fq_list") or []))
        fq = " ".join(filters).strip()
        facet_fields = params.string_list(data, "facet.field") or []
        if not params.boolean(data, "facet", True):
            facet_fields = []
        return cls(
            q=params.text(data, "q"),
            fq=fq,
            filters=filters,
            rows=params.integer(data, "rows", ROWS_DEFAULT, maximum=ROWS_MAX),
            start=params.integer(data, "start", 0),
            sort=params.text(data, "sort").strip() or DEFAULT_SORT,
            facet_fields=facet_fields,
            # Any integer, as CKAN's int_validator; Solr reads a negative one as no limit.
            facet_limit=params.integer(
                data, "facet.limit", FACET_LIMIT_DEFAULT, minimum=-params.LARGEST_INTEGER
            ),
            facet_mincount=params.integer(data, "facet.mincount", 1),
            include_private=params.boolean(data, "include_private"),
            include_drafts=params.boolean(data, "include_drafts"),
        )


def _ordering(sort: str) -> list[Any]:
    order: list[Any] = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        field, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if field == "rank":
            return _ordering(DEFAULT_SORT)
        if direction not in {"asc", "desc"} or len(words) > 2:
            raise SearchQueryError(f"invalid sort {part.strip()!r}")
        if field == "score":
            continue  # No relevance score: substring matches are all equal; the next key decides.
        column = SORT_FIELDS.get(field)
        if column is None:
            raise SearchQueryError(f"cannot sort by {field}")
        order.append(F(column).desc() if direction == "desc" else F(column).asc())
    order.append(F("id").asc())
    return order


def matching_datasets(user: Any, request: SearchRequest) -> QuerySet[Dataset]:
    """The data sets the query selects, among those the caller may see."""
    visible = datasets_visible_to(user)
    allowed = PUBLISHED
    if request.include_private:
        allowed |= Q(state=State.ACTIVE, private=True)
    if request.include_drafts:
        allowed |= Q(state=State.DRAFT)
    query = visible.filter(solr_query.parse(request.q))
    for fq in request.filters:
        query = query.filter(solr_query.parse(fq))
    if not solr_query.mentions_field(request.fq, "state"):
        query = query.filter(allowed)
    else:
        query = query.filter(allowed | ~Q(state=State.ACTIVE))
    return query


def display_names(field: str, values: list[str]) -> dict[str, str]:
    if field == "organization":
        return dict(OrgUnit.objects.filter(code__in=values).values_list("code", "name_ja"))
    if field == "groups":
        return dict(Group.objects.filter(name__in=values).values_list("name", "title"))
    if field == "license_id":
        return {v: (licence.title if (licence := licence_by_id(v)) else v) for v in values}
    return {value: value for value in values}


def _values_by_id(field: str, ids: set[str]) -> dict[str, str]:
    """Facet terms keep departments, groups and tags by id: their names as facets show them."""
    found: Iterable[tuple[object, str]]
    if field == "organization":
        numbers = [int(value) for value in ids if value.isdigit()]
        found = OrgUnit.objects.filter(pk__in=numbers).values_list("pk", "code")
    elif field == "groups":
        found = Group.objects.filter(pk__in=list(ids)).values_list("pk", "name")
    elif field == "tags":
        found = Tag.objects.filter(pk__in=list(ids)).values_list("pk", "name")
    else:
        return {value: value for value in ids}
    return {str(pk): value for pk, value in found}


@dataclass(frozen=True)
class Narrowing:
    """Matches that are a base set narrowed by words only, so that facet totals of the base
    set, cached, can count them (search_index.counted_by_complement)."""

    base: QuerySet[Dataset]
    terms: list[str]
    scope: tuple[Any, ...]  # what besides the catalogue decides the base set


def text_narrowing(user: Any, request: SearchRequest) -> Narrowing | None:
    """The search as a base set (what the caller may see, with the include_ flags) narrowed by
    the words of `q`, when `q` is only words and there is no `fq`; None otherwise."""
    if request.fq:
        return None
    terms = search_index.text_terms(solr_query.parse(request.q))
    if terms is None:
        return None
    base = matching_datasets(user, replace(request, q=""))
    departments = tuple(sorted(departments_visible_to(user).values_list("pk", flat=True)))
    return Narrowing(base, terms, (departments, request.include_private, request.include_drafts))


def facet_counts(
    matches: QuerySet[Dataset],
    fields: list[str],
    *,
    limit: int,
    mincount: int,
    narrowing: Narrowing | None = None,
) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """How many data sets match, and for each field its values with how many matches have
    them, in Solr's facet order (`by_count_first`). One query groups the matches by the fields'
    columns (search_index); with a `narrowing` of the same matches, cached totals may count
    them. A field with no facet column has no values: CKAN's Solr schema indexes every name
    (dynamicField "*"), so faceting on a field no data set has lists nothing, not an error."""
    known = [field for field in fields if field in search_index.FACET_COLUMNS]
    columns = list(dict.fromkeys(search_index.FACET_COLUMNS[field] for field in known))
    counts: dict[str, list[tuple[str, int]]] = {field: [] for field in fields}
    if not columns:
        return matches.count(), counts
    if narrowing is None:
        total, by_column = search_index.grouped_counts(matches, columns)
    else:
        total, by_column = search_index.counted_by_complement(
            narrowing.base, narrowing.terms, columns, narrowing.scope
        )
    for field in known:
        found = {
            key: count
            for key, count in by_column[search_index.FACET_COLUMNS[field]].items()
            if count >= max(mincount, 1)  # Values with no matches are not listed.
        }
        values = _values_by_id(field, set(found))
        counted = [(values[key], count) for key, count in found.items() if key in values]
        counts[field] = _in_facet_order(counted, limit)
    return total, counts


def by_count_first(limit: int) -> bool:
    """Solr's facet.sort default, which CKAN never overrides (it does not pass facet.sort):
    by count when facet.limit is above 0, else by value ("index" order: a string field's
    terms by their UTF-8 bytes, the same as by code point)."""
    return limit > 0


def _in_facet_order(counted: list[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """Counted values in Solr's order (ties by count go by value), cut to facet.limit; a
    negative limit is no limit."""
    if by_count_first(limit):
        return sorted(counted, key=lambda item: (-item[1], item[0]))[:limit]
    return [] if limit == 0 else sorted(counted)


def with_zero_counts(
    universe: QuerySet[Dataset], field: str, counts: list[tuple[str, int]], limit: int
) -> list[tuple[str, int]]:
    """`facet.mincount=0`: the field's other values with a count of 0 too, as Solr lists the
    terms of its index that no match has — after the counted ones when sorting by count
    (while facet.limit leaves room), among them by value when not. The values are those of
    the data sets the caller may see (`universe`), not of the whole index as in Solr: a
    private or draft data set's tags stay unseen."""
    column = search_index.FACET_COLUMNS.get(field)
    room = None if limit < 0 else limit - len(counts)
    if column is None or (room is not None and room <= 0):
        return counts
    present: set[str] = set()
    for value in universe.order_by().values_list(column, flat=True).distinct():
        if column in search_index.MULTI_VALUED:
            present.update(value.split(search_index.TERM_SEPARATOR) if value else ())
        elif value is not None and value != "":
            present.add(str(value))
    counted = {value for value, _ in counts}
    zero = sorted(v for v in _values_by_id(field, present).values() if v not in counted)
    if not by_count_first(limit):
        return sorted([*counts, *((value, 0) for value in zero)])
    return [*counts, *((value, 0) for value in zero[:room])]


def page_of(
    matches: QuerySet[Dataset], ordering: list[Any], start: int, rows: int
) -> list[Dataset]:
    """The page's data sets, with what package_dict needs: the ids first, sorted in the
    database, then only those rows in full."""
    ids = list(matches.order_by(*ordering).values_list("pk", flat=True)[start : start + rows])
    found = (
        Dataset.objects.filter(pk__in=ids)
        .select_related("owner_org")
        .prefetch_related("tags", "groups", "resources")
        .in_bulk()
    )
    return [found[pk] for pk in ids]


def package_search(user: Any, data: dict[str, Any], base_url: str) -> dict[str, Any]:
    request = SearchRequest.from_data(data)
    matches = matching_datasets(user, request)
    ordering = _ordering(request.sort)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    if request.facet_fields:
        total, counts_by_field = facet_counts(
            matches,
            request.facet_fields,
            limit=request.facet_limit,
            mincount=request.facet_mincount,
            narrowing=text_narrowing(user, request),
        )
    else:
        total, counts_by_field = matches.count(), {}
    if request.facet_fields and request.facet_mincount == 0:
        universe = matching_datasets(user, replace(request, q="", fq="", filters=()))
        counts_by_field = {
            field: with_zero_counts(universe, field, counts, request.facet_limit)
            for field, counts in counts_by_field.items()
        }
    for field, counts in counts_by_field.items():
        names = display_names(field, [value for value, _ in counts])
        facets[field] = dict(counts)
        # CKAN's package_search sorts these items by display name, last first, whatever the
        # facet order (logic/action/get.py); `facets` keeps Solr's order.
        named = sorted(
            ((names.get(value, value), value, count) for value, count in counts),
            key=lambda item: item[0],
            reverse=True,
        )
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": value, "display_name": display, "count": count}
                for display, value, count in named
            ],
        }
    wanted = request.rows and total > request.start  # No page to fetch past the last match.
    page = page_of(matches, ordering, request.start, request.rows) if wanted else []
    return {
        "count": total,
        "sort": request.sort,
        "results": [package_dict(dataset, base_url) for dataset in page],
        "facets": facets,
        "search_facets": search_facets,
    }
