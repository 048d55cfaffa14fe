"""The part of Solr's query syntax that CKAN clients send, turned into Django Q objects.

Harvesters and portals send `q` and `fq` such as `organization:kankyo-ka OR organization:x`,
`-groups:bosai`, `tags:"子育て・教育"`, `res_format:CSV` and
`metadata_modified:[2024-01-01T00:00:00Z TO *]`. We parse exactly that subset — clauses,
`AND`/`OR`/`NOT`, `+`/`-` prefixes, quoted values, value groups `field:(a OR b)` and ranges —
and refuse anything else with CKAN's Search Query Error, never a 500.

Free text (no field, or the `text` field) is a substring match on normalised text, which is
how Japanese is found without word boundaries (see core.search).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from jichitai.core.japanese.text import normalize_for_search
from jichitai.opendata.ckan.errors import SearchQueryError
from jichitai.opendata.models import Dataset

# One token: a quoted string, a range, a parenthesised value group, or a run of other text.
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<sign>[+-])?(?:(?P<field>[A-Za-z_][A-Za-z0-9_.]*):)?
        (?P<value>"(?:[^"\\]|\\.)*"|[\[{][^\]}]*[\]}]|\([^)]*\)|[^\s()"]+)
    )""",
    re.VERBOSE,
)
_RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")
MATCH_ALL = {"*:*", "*", ""}
# Explicit conditions for "everything" and "nothing": an empty Q() vanishes when OR-ed.
ALL = Q(pk__isnull=False)
NONE = Q(pk__in=[])


@dataclass
class Clause:
    negated: bool
    condition: Q


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _in(subquery_filter: dict[str, object]) -> Q:
    """Datasets having a related row that matches; a subquery so AND of two tags works."""
    return Q(pk__in=Dataset.objects.filter(**subquery_filter).values("pk"))


def _text(value: str) -> Q:
    condition = ALL
    for term in normalize_for_search(value).split():
        condition &= Q(search_text__contains=term)
    return condition


def _uuid(value: str) -> Q:
    try:
        return Q(pk=uuid.UUID(value))
    except ValueError:
        return NONE


def _capacity(value: str) -> Q:
    if value not in {"public", "private"}:
        return NONE
    return Q(private=value == "private")


def _prefix_or_exact(lookup: str) -> Callable[[str], Q]:
    def condition(value: str) -> Q:
        if value.endswith("*") and len(value) > 1:
            return Q(**{f"{lookup}__startswith": value[:-1]})
        return Q(**{lookup: value})

    return condition


FIELDS: dict[str, Callable[[str], Q]] = {
    "text": _text,
    "title": lambda value: Q(title__icontains=value),
    "notes": lambda value: Q(notes__icontains=value),
    "name": _prefix_or_exact("name"),
    "id": _uuid,
    "state": lambda value: Q(state=value),
    "capacity": _capacity,
    "license_id": lambda value: Q(license_id=value),
    "organization": lambda value: Q(owner_org__code=value),
    "owner_org": lambda value: Q(owner_org_id=value) if value.isdigit() else NONE,
    "groups": lambda value: _in({"groups__name": value}),
    "tags": lambda value: _in({"tags__name": value}),
    "res_format": lambda value: _in({"resources__format__iexact": value}),
    "res_name": lambda value: _in({"resources__name__icontains": value}),
    "res_description": lambda value: _in({"resources__description__icontains": value}),
    "dataset_type": lambda value: ALL if value == "dataset" else NONE,
    "type": lambda value: ALL if value == "dataset" else NONE,
    "conforms_to": lambda value: Q(conforms_to=value),
}
DATE_FIELDS = {"metadata_modified", "metadata_created"}


def _solr_date(text: str, field: str) -> dt.datetime | None:
    if text == "*":
        return None
    if text.upper() == "NOW":
        return timezone.now()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"{field}: cannot parse date {text!r}") from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def _date_condition(field: str, value: str) -> Q:
    match = _RANGE.match(value)
    if not match:
        return Q(**{field: _solr_date(value, field)})
    opening, low, high, closing = match.groups()
    condition = ALL
    start, end = _solr_date(low, field), _solr_date(high, field)
    if start is not None:
        condition &= Q(**{f"{field}__{'gte' if opening == '[' else 'gt'}": start})
    if end is not None:
        condition &= Q(**{f"{field}__{'lte' if closing == ']' else 'lt'}": end})
    return condition


def _field_condition(field: str, raw: str) -> Q:
    if field in DATE_FIELDS:
        return _date_condition(field, raw)
    if field not in FIELDS:
        raise SearchQueryError(f"undefined field {field}")
    if raw.startswith("(") and raw.endswith(")"):
        # A value group, `tags:(a OR b)`: any of the values.
        words = [w for w in re.findall(r'"(?:[^"\\]|\\.)*"|\S+', raw[1:-1]) if w != "OR"]
        if not words:
            raise SearchQueryError(f"empty value group for {field}")
        condition = NONE
        for word in words:
            condition |= _value_condition(field, _unquote(word))
        return condition
    return _value_condition(field, _unquote(raw))


def _value_condition(field: str, value: str) -> Q:
    if value == "*" and field != "text":
        return ALL
    return FIELDS[field](value)


def parse(query: str, *, default_field: str = "text") -> Q:
    """The filter a Solr query means, or SearchQueryError when it uses syntax we lack."""
    query = query.strip()
    if query in MATCH_ALL:
        return Q()
    groups: list[list[Clause]] = [[]]
    position, negate_next, pending_or = 0, False, False
    while position < len(query):
        match = _TOKEN.match(query, position)
        if not match or match.end() == position:
            raise SearchQueryError(f"cannot parse {query[position:]!r}")
        position = match.end()
        sign, field, value = match.group("sign"), match.group("field"), match.group("value")
        if field is None and sign is None and value in {"AND", "&&"}:
            continue
        if field is None and sign is None and value in {"OR", "||"}:
            pending_or = True
            continue
        if field is None and sign is None and value == "NOT":
            negate_next = True
            continue
        if field is None and value.startswith("(") and value.endswith(")"):
            raise SearchQueryError("grouping with parentheses is not supported")
        condition = _field_condition(field or default_field, value)
        clause = Clause(negated=negate_next or sign == "-", condition=condition)
        negate_next = False
        if pending_or and groups[-1]:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
    result = Q()
    for group in groups:
        if not group:
            continue
        any_of = NONE
        for clause in group:
            any_of |= ~clause.condition if clause.negated else clause.condition
        result &= any_of
    return result


def mentions_field(query: str, field: str) -> bool:
    """Whether the query filters on `field` (CKAN leaves `state` alone when `fq` names it)."""
    return re.search(rf"(^|[\s+(-]){re.escape(field)}:", query) is not None
