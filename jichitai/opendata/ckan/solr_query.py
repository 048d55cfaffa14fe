"""The part of Solr's query syntax that CKAN clients send, turned into Django Q objects.

Harvesters and portals send `q` and `fq` such as `organization:kankyo-ka OR organization:x`,
`-groups:bosai`, `!tags:y`, `NOT groups:z`, `-(organization:a OR organization:b)`,
`tags:"子育て・教育"`, `res_format:CSV`, `*:* -capacity:private` and ranges on the metadata dates
such as `metadata_modified:[2024-01-01T00:00:00Z TO *]` or `metadata_modified:[NOW-1DAY TO NOW]`
(see solr_dates). We parse that subset of Solr's standard query parser — clauses, `AND`/`OR`/
`NOT` (`&&`, `||`, `!`), `+`/`-` prefixes, quoted values, parentheses, value groups
`field:(a OR b)`, ranges with `[ ]`/`{ }` bounds, boosts `^2` (no effect on a filter) — and
refuse anything else (local parameters `{!…}`, fuzzy and proximity `~`) with CKAN's Search Query
Error, never a 500. A field we do not know is no error: CKAN's Solr schema indexes every other
name through its catch-all `<dynamicField name="*" type="string">`, so Solr accepts
`nosuchfield:x` (or a range or group on it) and, no data set having the field, matches nothing.

Clauses combine as in Solr's standard query parser with the `q.op=AND` CKAN sends (its
`PackageSearchQuery.run` sets `query.setdefault("q.op", "AND")`; older schemas said
`<solrQueryParser defaultOperator="AND"/>`): there is no precedence, each clause is required,
optional or prohibited (Lucene's QueryParserBase.addClause), and a filter matches when all
required clauses do — optional ones then only weigh relevance — or, with none required, when
one optional clause does; never a prohibited one. So `a b` needs both, `a OR b` either, but
`a OR b c` is `+c` (a and b only score): group with parentheses, `(a OR b) c`, to mean
`(a OR b) AND c`. `a AND b OR c` is `+a` and `a OR -b` is `a AND NOT b`. Each `fq` and
`fq_list` entry is a filter of its own, as Solr receives them. A negated clause matches what the
clause does not, also alone or inside parentheses, which is what a caller means (Solr needs
`*:*` added for a purely negative group; we do not).

Free text (no field, or the `text` field) is a substring match on normalised text, which is
how Japanese is found without word boundaries (see core.search).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from jichitai.core.japanese.text import normalize_for_search
from jichitai.opendata.ckan import solr_dates
from jichitai.opendata.ckan.errors import SearchQueryError
from jichitai.opendata.models import Dataset

MATCH_ALL = {"*:*", "*", ""}
# How a clause takes part in its boolean query (Lucene's MUST, SHOULD and MUST_NOT).
REQUIRED, OPTIONAL, PROHIBITED = "required", "optional", "prohibited"
# Explicit conditions for "everything" and "nothing": an empty Q() vanishes when OR-ed.
ALL = Q(pk__isnull=False)
NONE = Q(pk__in=[])


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
    "author": lambda value: Q(author__icontains=value),
    "maintainer": lambda value: Q(maintainer__icontains=value),
    "version": lambda value: Q(version=value),
    "url": lambda value: Q(url=value),
}
DATE_FIELDS = {"metadata_modified", "metadata_created"}


_SPACE = re.compile(r"\s+")
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*|\*):(?=[^\s)])")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_RANGE = re.compile(r'[\[{](?:[^\]}"]|"(?:[^"\\]|\\.)*")*[\]}]')
_BARE = re.compile(r'(?:[^\s()"\\^~]|\\.)+')
_BOOST = re.compile(r"\^\d+(?:\.\d+)?")
_BOUND = r'("(?:[^"\\]|\\.)*"|[^\s"]+)'
_RANGE_PARTS = re.compile(rf"([\[{{])\s*{_BOUND}\s+TO\s+{_BOUND}\s*([\]}}])")
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
# Solr refuses more than maxBooleanClauses (1024) clauses; SQLite refuses expressions deeper
# than 1000, and each clause (each word of free text) deepens the WHERE clause by one, so we
# allow fewer. Nesting we bound too: hostile input is a Search Query Error, not a 500.
MAX_CLAUSES = 256
MAX_DEPTH = 32


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "+", "-", "field(" (a value group), "term"
    field: str | None = None
    value: str = ""


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return re.sub(r"\\(.)", r"\1", value)


def tokenize(query: str) -> list[Token]:
    """The query's tokens; SearchQueryError for syntax outside the subset."""
    tokens: list[Token] = []
    position = 0
    while position < len(query):
        if space := _SPACE.match(query, position):
            position = space.end()
            continue
        char = query[position]
        if query.startswith("{!", position):
            raise SearchQueryError("local parameters {!...} are not supported")
        if char in "()":
            tokens.append(Token(char))
            position += 1
            position = _skip_boost(query, position)
            continue
        if char in "+-!" and position + 1 < len(query) and not query[position + 1].isspace():
            tokens.append(Token("NOT" if char == "!" else char))
            position += 1
            continue
        field = None
        if found := _FIELD.match(query, position):
            field, position = found.group(1), found.end()
            if query.startswith("(", position):
                tokens.append(Token("field(", field))
                tokens.append(Token("("))
                position += 1
                continue
        value_match = (
            _QUOTED.match(query, position)
            or _RANGE.match(query, position)
            or _BARE.match(query, position)
        )
        if not value_match:
            raise SearchQueryError(f"cannot parse {query[position:]!r}")
        value, position = value_match.group(), value_match.end()
        if query.startswith("~", position):
            raise SearchQueryError("fuzzy and proximity searches (~) are not supported")
        position = _skip_boost(query, position)
        if field is None and value in _OPERATORS:
            tokens.append(Token(_OPERATORS[value]))
        else:
            tokens.append(Token("term", field, value))
    return tokens


def _skip_boost(query: str, position: int) -> int:
    """Past a boost such as `^2`: it weighs relevance, so a filter ignores it."""
    boost = _BOOST.match(query, position)
    if boost:
        return boost.end()
    if query.startswith(("^", "~"), position):
        raise SearchQueryError(f"cannot parse {query[position:]!r}")
    return position


class _Parser:
    """Recursive descent over the tokens: sequence := clause ((AND | OR)? clause)*;
    clause := (NOT | - | +)? unary; unary := (NOT | - | +) unary | primary;
    primary := ( sequence ) | field:( sequence ) | term."""

    def __init__(self, tokens: list[Token], default_field: str) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = [default_field]
        self.depth = 0
        self.clauses = 0
        self.now = timezone.now()  # One NOW for the whole query, as in Solr.

    def peek(self) -> str | None:
        return self.tokens[self.position].kind if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def sequence(self) -> Q:
        """The clauses up to ")" or the end, each required, optional or prohibited as Solr's
        standard parser makes them with CKAN's q.op=AND (Lucene's QueryParserBase.addClause):
        a clause is required unless OR introduces it; OR makes the clause before it optional
        too, AND makes it required again; - and NOT prohibit. There is no precedence."""
        clauses: list[tuple[str, Q]] = []
        while self.peek() not in {None, ")"}:
            conjunction = self.take().kind if clauses and self.peek() in {"AND", "OR"} else None
            modifier = self.take().kind if self.peek() in {"NOT", "-", "+"} else None
            condition = self.unary()
            if clauses and conjunction and clauses[-1][0] != PROHIBITED:
                clauses[-1] = (REQUIRED if conjunction == "AND" else OPTIONAL, clauses[-1][1])
            if modifier in {"NOT", "-"}:
                clauses.append((PROHIBITED, condition))
            else:  # "+" too: with q.op=AND an OR makes even +b optional.
                clauses.append((OPTIONAL if conjunction == "OR" else REQUIRED, condition))
        return _combine(clauses)

    def unary(self) -> Q:
        kind = self.peek()
        if kind not in {"NOT", "-", "+"}:
            return self.primary()
        self.take()
        self.enter()
        condition = self.unary()
        self.depth -= 1
        return condition if kind == "+" else ~condition

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchQueryError(f"more than {MAX_DEPTH} levels of nesting")

    def primary(self) -> Q:
        kind = self.peek()
        if kind is None:
            raise SearchQueryError("the query ends where a clause should follow")
        token = self.take()
        if kind in {"(", "field("}:
            if kind == "field(":
                self.fields.append(token.field or "")
                self.take()  # The "(" after it.
            if self.peek() == ")":
                raise SearchQueryError("empty parentheses")
            self.enter()
            condition = self.sequence()
            self.depth -= 1
            if self.peek() != ")":
                raise SearchQueryError("unbalanced parentheses: ')' missing")
            self.take()
            if kind == "field(":
                self.fields.pop()
            return condition
        if kind == "term":
            return self.term(token.field or self.fields[-1], token.value)
        raise SearchQueryError(f"unexpected {kind!r}")

    def count(self, clauses: int) -> None:
        self.clauses += clauses
        if self.clauses > MAX_CLAUSES:
            raise SearchQueryError(f"too many clauses (more than {MAX_CLAUSES})")

    def term(self, field: str, value: str) -> Q:
        words = len(normalize_for_search(_unquote(value)).split()) if field == "text" else 1
        self.count(max(words, 1))
        if field == "*":
            if value != "*":
                raise SearchQueryError("only *:* may name every field")
            return ALL
        if value.startswith(("[", "{")):
            return self.range(field, value)
        if not _known(field):
            # CKAN's Solr schema indexes any other name as a string (dynamicField "*"), so
            # a field no data set has is no error: its clause matches nothing.
            return NONE
        value = _unquote(value)
        if value == "*":
            return ALL
        if field in DATE_FIELDS:
            return Q(**{field: self.date(field, value)})
        return FIELDS[field](value)

    def range(self, field: str, value: str) -> Q:
        parts = _RANGE_PARTS.fullmatch(value)
        if not parts:
            raise SearchQueryError(f"cannot parse range {value!r}")
        if not _known(field):
            return NONE  # a range over a field no data set has (see term)
        if field not in DATE_FIELDS:
            raise SearchQueryError(f"ranges are supported on {', '.join(sorted(DATE_FIELDS))}")
        opening, low, high, closing = parts.groups()
        condition = ALL
        if low != "*":
            lookup = "gte" if opening == "[" else "gt"
            condition &= Q(**{f"{field}__{lookup}": self.date(field, _unquote(low))})
        if high != "*":
            lookup = "lte" if closing == "]" else "lt"
            condition &= Q(**{f"{field}__{lookup}": self.date(field, _unquote(high))})
        return condition

    def date(self, field: str, text: str) -> dt.datetime:
        try:
            return solr_dates.parse(text, self.now)
        except solr_dates.DateSyntaxError as error:
            raise SearchQueryError(f"{field}: {error}") from None


def _combine(clauses: list[tuple[str, Q]]) -> Q:
    """What a boolean query of these clauses matches as a filter: all the required ones
    (the optional ones then only weigh relevance), else at least one optional one, and none
    of the prohibited ones. Only prohibited clauses match everything else (Solr adds *:* to
    such a query at the top; we do so in parentheses too, which is what a caller means)."""
    required = [condition for occur, condition in clauses if occur == REQUIRED]
    optional = [condition for occur, condition in clauses if occur == OPTIONAL]
    if required:
        combined = functools.reduce(operator.and_, required)
    elif optional:
        combined = functools.reduce(operator.or_, optional)
    else:
        combined = ALL
    for occur, condition in clauses:
        if occur == PROHIBITED:
            combined &= ~condition
    return combined


def _known(field: str) -> bool:
    return field in FIELDS or field in DATE_FIELDS


def parse(query: str, *, default_field: str = "text") -> Q:
    """The filter a Solr query means, or SearchQueryError when it uses syntax we lack."""
    query = query.strip()
    if query in MATCH_ALL:
        return Q()
    parser = _Parser(tokenize(query), default_field)
    condition = parser.sequence()
    if parser.peek() is not None:
        raise SearchQueryError("unbalanced parentheses: unexpected ')'")
    return condition


def mentions_field(query: str, field: str) -> bool:
    """Whether the query filters on `field` (CKAN leaves `state` alone when `fq` names it)."""
    return re.search(rf"(^|[\s+(!-]){re.escape(field)}:", query) is not None
