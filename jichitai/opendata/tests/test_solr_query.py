"""The Solr query subset (ckan.solr_query) and Solr's date values (ckan.solr_dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.opendata.ckan import solr_dates, solr_query
from jichitai.opendata.ckan.errors import SearchQueryError
from jichitai.opendata.models import Dataset

NOW = dt.datetime(2024, 3, 31, 15, 4, 5, 123456, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", dt.datetime(2024, 3, 30, 15, 4, 5, 123456, tzinfo=dt.UTC)),
        ("NOW-7DAYS", dt.datetime(2024, 3, 24, 15, 4, 5, 123456, tzinfo=dt.UTC)),
        ("NOW/DAY", dt.datetime(2024, 3, 31, tzinfo=dt.UTC)),
        ("NOW/DAY-7DAYS", dt.datetime(2024, 3, 24, tzinfo=dt.UTC)),
        ("NOW/DAY+1DAY", dt.datetime(2024, 4, 1, tzinfo=dt.UTC)),
        ("NOW+1HOUR/HOUR", dt.datetime(2024, 3, 31, 16, tzinfo=dt.UTC)),
        ("NOW-30MINUTES/MINUTE", dt.datetime(2024, 3, 31, 14, 34, tzinfo=dt.UTC)),
        ("NOW/SECOND", dt.datetime(2024, 3, 31, 15, 4, 5, tzinfo=dt.UTC)),
        ("NOW/MILLI", dt.datetime(2024, 3, 31, 15, 4, 5, 123000, tzinfo=dt.UTC)),
        ("NOW/MONTH", dt.datetime(2024, 3, 1, tzinfo=dt.UTC)),
        ("NOW/YEAR", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
        ("NOW/DATE", dt.datetime(2024, 3, 31, tzinfo=dt.UTC)),
        # Months keep the day where they can, else the month's last day.
        ("NOW-1MONTH", dt.datetime(2024, 2, 29, 15, 4, 5, 123456, tzinfo=dt.UTC)),
        ("NOW+1YEAR", dt.datetime(2025, 3, 31, 15, 4, 5, 123456, tzinfo=dt.UTC)),
        ("2024-01-31T00:00:00Z+1MONTH", dt.datetime(2024, 2, 29, tzinfo=dt.UTC)),
        ("2024-02-29T00:00:00Z+1YEAR", dt.datetime(2025, 2, 28, tzinfo=dt.UTC)),
        ("2024-01-01T00:00:00Z", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
        ("2024-01-01T00:00:00.5Z", dt.datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=dt.UTC)),
        # No zone (as CKAN prints metadata_modified) is UTC; an offset is converted.
        ("2024-01-01T09:30:00", dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.UTC)),
        ("2024-01-01T09:30:00+09:00", dt.datetime(2024, 1, 1, 0, 30, tzinfo=dt.UTC)),
        ("now-1day", dt.datetime(2024, 3, 30, 15, 4, 5, 123456, tzinfo=dt.UTC)),
    ],
)
def test_solr_dates(text: str, moment: dt.datetime) -> None:
    assert solr_dates.parse(text, NOW) == moment


@pytest.mark.parametrize(
    "text",
    ["yesterday", "NOW-1", "NOW-1FORTNIGHT", "NOW+999999999YEARS", "2024-13-01T00:00:00Z", ""],
)
def test_solr_dates_refused(text: str) -> None:
    with pytest.raises(solr_dates.DateSyntaxError):
        solr_dates.parse(text, NOW)


@pytest.mark.parametrize(
    "query",
    [
        "{!lucene}title:x",
        "{!tag=org}organization:koseki",
        "title:人口~2",
        '"避難 場所"~3',
        "(organization:koseki",
        "organization:koseki)",
        "()",
        "tags:()",
        "NOT",
        "organization:koseki OR",
        '"unterminated',
        "nosuchfield:[a TO]",
        "nosuchfield:(a OR",
        "*:人口",
        "name:[a TO m]",
        "metadata_modified:[yesterday TO *]",
        "metadata_modified:[NOW-1FORTNIGHT TO NOW]",
        "metadata_modified:[NOW TO]",
        "metadata_modified:[NOW-1DAY NOW]",
        "title:人口^",
        # Hostile input: nesting and clause counts past the limits.
        "(" * 3000 + "a" + ")" * 3000,
        "-" * 3000 + "a",
        "NOT " * 3000 + "a",
        "(" * 33 + "a" + ")" * 33,
        " OR ".join(["name:a"] * 257),
        '"' + "あ " * 257 + '"',
    ],
)
def test_syntax_outside_the_subset_is_a_search_query_error(query: str) -> None:
    with pytest.raises(SearchQueryError) as raised:
        solr_query.parse(query)
    assert raised.value.message.startswith("Search Query is invalid: ")


def test_limits_leave_room_for_real_queries() -> None:
    solr_query.parse("(" * 32 + "a" + ")" * 32)
    solr_query.parse("-" * 32 + "a")
    solr_query.parse(" OR ".join(["organization:a"] * 256))


def test_tokens() -> None:
    tokens = solr_query.tokenize('-(organization:a OR !tags:"b c") name:x\\-y^2 tags:(d)')
    assert [(token.kind, token.field, token.value) for token in tokens] == [
        ("-", None, ""),
        ("(", None, ""),
        ("term", "organization", "a"),
        ("OR", None, ""),
        ("NOT", None, ""),
        ("term", "tags", '"b c"'),
        (")", None, ""),
        ("term", "name", "x\\-y"),
        ("field(", "tags", ""),
        ("(", None, ""),
        ("term", None, "d"),
        (")", None, ""),
    ]


def matching(query: str, **kwargs: Any) -> list[str]:
    published = Dataset.objects.filter(state="active", private=False)
    return sorted(
        published.filter(solr_query.parse(query, **kwargs)).values_list("name", flat=True)
    )


ALL_THREE = ["evacuation-sites", "population", "toilets"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("*:*", ALL_THREE),
        ("*:* -groups:bosai", ["population", "toilets"]),
        # Negation in every spelling.
        ("-organization:koseki", ["population"]),
        ("!organization:koseki", ["population"]),
        ("NOT organization:koseki", ["population"]),
        ("NOT groups:bosai", ["population", "toilets"]),
        ("tags:防災 AND NOT groups:bosai", ["toilets"]),
        ("tags:防災 !groups:bosai", ["toilets"]),
        ("-(organization:kazei OR groups:bosai)", ["toilets"]),
        ("!(organization:kazei OR groups:bosai)", ["toilets"]),
        ("NOT (organization:kazei OR groups:bosai)", ["toilets"]),
        ("-tags:(人口 OR 避難・災害)", ["toilets"]),
        ("-(-organization:koseki)", ["evacuation-sites", "toilets"]),
        # AND, OR and grouping.
        ("+organization:koseki +tags:防災", ["evacuation-sites", "toilets"]),
        ("organization:koseki && tags:避難・災害", ["evacuation-sites"]),
        ("organization:kazei || groups:bosai", ["evacuation-sites", "population"]),
        ("(organization:kazei OR groups:bosai) res_format:CSV", ["evacuation-sites", "population"]),
        ("organization:kazei OR groups:bosai res_format:PDF", ["population"]),
        # No precedence, as Solr's standard parser with CKAN's q.op=AND: OR makes both its
        # neighbours optional, and an optional clause beside a required one only scores.
        ("organization:kazei OR groups:jinko tags:防災", ["evacuation-sites", "toilets"]),
        ("(organization:kazei OR groups:jinko) tags:防災", []),
        ("tags:防災 organization:kazei OR groups:jinko", ["evacuation-sites", "toilets"]),
        (
            "organization:koseki AND tags:避難・災害 OR organization:kazei",
            ["evacuation-sites", "toilets"],
        ),
        ("organization:koseki AND (tags:避難・災害 OR organization:kazei)", ["evacuation-sites"]),
        ("organization:kazei OR groups:bosai OR tags:防災", ALL_THREE),
        ("organization:kazei OR +tags:防災", ALL_THREE),
        # AND makes the clause before it required again.
        ("organization:kazei OR tags:防災 AND groups:bosai", ["evacuation-sites"]),
        # A prohibited clause stays prohibited, whatever joins it.
        ("groups:bosai OR -organization:kazei", ["evacuation-sites"]),
        ("groups:bosai OR NOT organization:koseki", []),
        ("-organization:kazei OR groups:jinko", []),  # = +groups:jinko -organization:kazei
        ("tags:防災 AND NOT groups:bosai OR organization:kazei", ["toilets"]),
        ("((organization:kazei))", ["population"]),
        ("tags:(防災 AND 避難・災害)", ["evacuation-sites"]),
        ("tags:(防災 -避難・災害)", ["toilets"]),
        ("tags:(人口 OR 避難・災害)", ["evacuation-sites", "population"]),
        ("(避難 OR トイレ)", ["evacuation-sites", "toilets"]),
        # Quoting, escaping, boosts.
        ('name:"evacuation-sites"', ["evacuation-sites"]),
        ("name:evacuation\\-sites", ["evacuation-sites"]),
        ("title:人口^2", ["population"]),
        ("(title:人口 OR title:トイレ)^0.5", ["population", "toilets"]),
        ("name:evac*", ["evacuation-sites"]),
        # A field no data set has matches nothing (CKAN's schema: dynamicField "*").
        ("nosuchfield:1", []),
        ("nosuchfield:*", []),
        ('nosuchfield:"a b"', []),
        ("nosuchfield:(a OR b)", []),
        ("nosuchfield:[a TO b]", []),
        ("nosuchfield:[* TO *]", []),
        ("-nosuchfield:1", ALL_THREE),
        ("nosuchfield:1 OR organization:kazei", ["population"]),
        ("extras_frequency:monthly", []),
    ],
)
def test_queries(catalogue: Any, query: str, expected: list[str]) -> None:
    assert matching(query) == expected


@pytest.fixture
def dated(catalogue: dict[str, Any]) -> dict[str, Any]:
    """Shelters last changed on 1 January 2024, population two hours ago, toilets now."""
    catalogue["shelters"].metadata_modified = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    catalogue["shelters"].save(update_fields=["metadata_modified"])
    catalogue["population"].metadata_modified = timezone.now() - dt.timedelta(hours=2)
    catalogue["population"].save(update_fields=["metadata_modified"])
    return catalogue


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("metadata_modified:[NOW-1DAY TO NOW]", ["population", "toilets"]),
        ("metadata_modified:[NOW-7DAYS TO *]", ["population", "toilets"]),
        ("metadata_modified:[NOW/DAY-7DAYS TO *]", ["population", "toilets"]),
        ("metadata_modified:[* TO NOW-1HOUR]", ["evacuation-sites", "population"]),
        ("metadata_modified:[* TO NOW/DAY-1YEAR]", ["evacuation-sites"]),
        ("-metadata_modified:[NOW-1DAY TO *]", ["evacuation-sites"]),
        ("NOT metadata_modified:[NOW-1DAY TO *]", ["evacuation-sites"]),
        ("metadata_modified:[2024-01-01T00:00:00Z TO *]", ALL_THREE),
        ("metadata_modified:{2024-01-01T00:00:00Z TO *]", ["population", "toilets"]),
        ('metadata_modified:["2024-01-01T00:00:00Z" TO *]', ALL_THREE),
        (
            'metadata_modified:["2023-12-31T00:00:00Z" TO "2024-01-02T00:00:00Z"]',
            ["evacuation-sites"],
        ),
        (
            "metadata_modified:[2023-12-31T00:00:00Z+1DAY TO 2024-01-01T00:00:00Z+1DAY}",
            ["evacuation-sites"],
        ),
        (
            "metadata_modified:[2024-01-01T09:00:00+09:00 TO 2024-01-01T09:00:00+09:00]",
            ["evacuation-sites"],
        ),
        ('metadata_modified:"2024-01-01T00:00:00Z"', ["evacuation-sites"]),
        ("metadata_modified:*", ALL_THREE),
        ("metadata_created:[NOW-1DAY TO *]", ALL_THREE),
        (
            "(metadata_modified:[* TO 2024-06-01T00:00:00Z] OR organization:kazei) -name:x",
            ["evacuation-sites", "population"],
        ),
    ],
)
def test_date_queries(dated: Any, query: str, expected: list[str]) -> None:
    assert matching(query) == expected


@pytest.mark.django_db
def test_more_of_the_package_fields_ckan_indexes(make_dataset: Any) -> None:
    make_dataset(
        "人口",
        name="with-author",
        author="大田区 企画課",
        maintainer="統計係",
        version="2.1",
        url="https://example.jp/stats",
    )
    make_dataset("ほか", name="without-author")
    assert matching("author:企画課") == ["with-author"]
    assert matching("maintainer:統計係") == ["with-author"]
    assert matching('version:"2.1"') == ["with-author"]
    assert matching('url:"https://example.jp/stats"') == ["with-author"]
    assert matching("-author:企画課") == ["without-author"]
