"""The CKAN Action API's envelope, errors and read actions, as clients see them over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def call(client: Any, action: str, method: str = "get", prefix: str = "/api/3", **data: Any) -> Any:
    if method == "get":
        return client.get(f"{prefix}/action/{action}", data)
    return client.post(
        f"{prefix}/action/{action}", json.dumps(data), content_type="application/json"
    )


def result(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["result"]


def error(response: Any, status: int, type_name: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == type_name
    return dict(body["error"])


class TestEnvelope:
    def test_success_carries_help_url_and_json_content_type(self, client, catalogue):
        response = call(client, "package_list")
        assert response["Content-Type"] == "application/json;charset=utf-8"
        body = response.json()
        assert body["help"] == "http://testserver/api/3/action/help_show?name=package_list"
        assert body["success"] is True

    def test_both_prefixes_and_post_work(self, client, catalogue):
        names = result(call(client, "package_list"))
        assert result(call(client, "package_list", prefix="/api")) == names
        assert result(call(client, "package_list", method="post")) == names

    def test_version_endpoints(self, client, db):
        assert client.get("/api/").json() == {"version": 1}
        assert client.get("/api/3/").json() == {"version": 3}

    def test_unknown_action_is_a_bare_json_string(self, client, db):
        response = call(client, "package_frobnicate")
        assert response.status_code == 400
        assert response.json() == "Bad request: Action name not known: package_frobnicate"

    @pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
    def test_malformed_json_bodies_are_refused(self, client, db, body):
        response = client.post("/api/3/action/package_list", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json().startswith("Bad request: JSON Error:")

    def test_old_clients_posting_json_as_a_form_key(self, client, catalogue):
        response = client.post(
            "/api/3/action/package_show",
            json.dumps({"id": "population"}),
            content_type="application/x-www-form-urlencoded",
        )
        assert result(response)["name"] == "population"

    def test_an_unknown_token_is_an_authorization_error(self, client, db):
        response = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="jt_nonsense")
        error(response, 403, "Authorization Error")

    def test_missing_parameter_is_a_validation_error_naming_it(self, client, db):
        body = error(call(client, "package_show"), 409, "Validation Error")
        assert body["id"] == ["Missing value"]

    def test_help_show_returns_the_docstring(self, client, db):
        assert "Japanese" in result(call(client, "help_show", name="package_search"))
        error(call(client, "help_show", name="nope"), 404, "Not Found Error")


class TestPackages:
    def test_package_list_holds_published_names_in_order(self, client, catalogue):
        assert result(call(client, "package_list")) == ["evacuation-sites", "population", "toilets"]
        assert result(call(client, "package_list", limit=1, offset=1)) == ["population"]

    def test_package_show_by_name_or_id(self, client, catalogue):
        by_name = result(call(client, "package_show", id="population"))
        by_id = result(call(client, "package_show", id=str(catalogue["population"].pk)))
        assert by_name == by_id
        assert by_name["organization"]["name"] == "kazei"
        assert by_name["num_resources"] == 2
        assert [r["format"] for r in by_name["resources"]] == ["CSV", "PDF"]
        assert by_name["license_id"] == "cc-by-4.0"
        assert by_name["isopen"] is True
        assert {"key": "temporal_start", "value": "2024-04-01"} in by_name["extras"]
        # CKAN's timestamps: UTC, no zone.
        assert by_name["metadata_modified"].count(":") == 2
        assert not by_name["metadata_modified"].endswith(("Z", "+00:00"))

    @pytest.mark.parametrize("name", ["aed-draft", "internal", "nothing-here"])
    def test_drafts_and_private_data_sets_are_not_found_by_anyone_else(
        self, client, catalogue, name
    ):
        error(call(client, "package_show", id=name), 404, "Not Found Error")

    def test_resource_show(self, client, catalogue):
        resource = catalogue["population"].resources.get(format="PDF")
        shown = result(call(client, "resource_show", id=str(resource.pk)))
        assert shown["package_id"] == str(catalogue["population"].pk)
        assert shown["url"] == "https://example.jp/p.pdf"
        error(call(client, "resource_show", id="not-a-uuid"), 404, "Not Found Error")

    def test_current_package_list_with_resources_newest_first(self, client, catalogue):
        listed = result(call(client, "current_package_list_with_resources", limit=2))
        assert [p["name"] for p in listed] == ["toilets", "population"]


def search(client: Any, **data: Any) -> dict[str, Any]:
    return dict(result(call(client, "package_search", **data)))


def names(found: dict[str, Any]) -> list[str]:
    return sorted(package["name"] for package in found["results"])


class TestPackageSearch:
    def test_japanese_substrings_are_found(self, client, catalogue):
        assert names(search(client, q="避難")) == ["evacuation-sites"]
        # Katakana and hiragana, full and half width, are the same to a search.
        assert names(search(client, q="じんこう")) == ["population"]
        assert names(search(client, q="ﾄｲﾚ")) == ["toilets"]
        assert names(search(client, q="人口 年齢")) == ["population"]

    def test_default_is_everything_published(self, client, catalogue):
        found = search(client)
        assert found["count"] == 3
        assert found["sort"] == "score desc, metadata_modified desc"
        assert names(search(client, q="*:*")) == ["evacuation-sites", "population", "toilets"]

    def test_field_queries_the_harvesters_send(self, client, catalogue):
        assert names(search(client, fq="organization:kazei")) == ["population"]
        assert names(search(client, fq="organization:kazei OR organization:koseki")) == [
            "evacuation-sites",
            "population",
            "toilets",
        ]
        assert names(search(client, fq="-organization:koseki")) == ["population"]
        assert names(search(client, fq="groups:bosai")) == ["evacuation-sites"]
        assert names(search(client, fq='tags:"避難・災害"')) == ["evacuation-sites"]
        assert names(search(client, fq="tags:防災 -groups:bosai")) == ["toilets"]
        assert names(search(client, fq="res_format:pdf")) == ["population"]
        assert names(search(client, fq="tags:(人口 OR 避難・災害)")) == [
            "evacuation-sites",
            "population",
        ]
        assert names(search(client, q="title:人口")) == ["population"]

    def test_or_has_no_precedence_as_in_ckan(self, client, catalogue):
        # CKAN's Solr (q.op=AND): OR makes both its neighbours optional; beside a required
        # clause they only weigh relevance. ckanext-harvest's organisations joined by OR and
        # its date range therefore filter by the date alone, as on a CKAN site.
        harvest = "organization:kazei OR organization:nowhere metadata_modified:[* TO NOW]"
        assert search(client, fq=harvest)["count"] == 3
        assert names(search(client, fq="(organization:kazei OR groups:bosai) tags:防災")) == [
            "evacuation-sites"
        ]
        assert names(search(client, fq="organization:kazei OR groups:bosai tags:防災")) == [
            "evacuation-sites",
            "toilets",
        ]
        # fq and each fq_list entry are filters of their own, as Solr receives them.
        data = {"fq": "organization:kazei OR groups:bosai", "fq_list": ["tags:防災"]}
        found = result(call(client, "package_search", method="post", **data))
        assert names(found) == ["evacuation-sites"]
        found = search(client, fq_list=["organization:kazei OR groups:bosai", "res_format:PDF"])
        assert names(found) == ["population"]

    def test_metadata_modified_ranges(self, client, catalogue):
        assert search(client, fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")["count"] == 3
        assert search(client, fq="metadata_modified:[2999-01-01T00:00:00Z TO *]")["count"] == 0
        assert search(client, fq="metadata_modified:[* TO NOW]")["count"] == 3

    def test_negation_in_the_forms_harvesters_send(self, client, catalogue):
        for fq in ["-organization:koseki", "!organization:koseki", "NOT organization:koseki"]:
            assert names(search(client, fq=fq)) == ["population"], fq
        assert names(search(client, fq="NOT groups:bosai")) == ["population", "toilets"]
        assert names(search(client, fq="-(organization:kazei OR groups:bosai)")) == ["toilets"]
        assert names(search(client, fq="*:* -groups:bosai")) == ["population", "toilets"]
        # ckanext-harvest's excluded organisations and groups, joined by spaces.
        found = search(client, fq="-organization:kazei -groups:bosai")
        assert names(found) == ["toilets"]
        # Negation never lets drafts or private data sets in.
        assert search(client, fq="-organization:nowhere")["count"] == 3
        assert search(client, fq_list=["-organization:kazei", "NOT tags:人口"])["count"] == 2

    def test_date_maths_and_quoted_bounds(self, client, catalogue):
        shelters = catalogue["shelters"]
        shelters.metadata_modified = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        shelters.save(update_fields=["metadata_modified"])
        recent = ["population", "toilets"]
        assert names(search(client, fq="metadata_modified:[NOW-1DAY TO NOW]")) == recent
        assert names(search(client, fq="metadata_modified:[NOW/DAY-7DAYS TO *]")) == recent
        assert names(search(client, fq="metadata_modified:[* TO NOW/DAY-1YEAR]")) == [
            "evacuation-sites"
        ]
        quoted = 'metadata_modified:["2023-12-31T00:00:00Z" TO "2024-01-01T00:00:00Z"]'
        assert names(search(client, fq=quoted)) == ["evacuation-sites"]
        assert search(client, fq="-metadata_modified:[NOW-7DAYS TO *]")["count"] == 1

    def test_drafts_and_private_stay_hidden_from_the_public(self, client, catalogue):
        assert search(client, include_private=True, include_drafts=True)["count"] == 3
        assert search(client, fq="+state:draft")["count"] == 0

    def test_stable_paging_by_id_covers_everything_once(self, client, catalogue) -> None:
        seen: list[str] = []
        for start in range(0, 4):
            page = search(client, sort="id asc", rows=1, start=start)["results"]
            seen += [package["id"] for package in page]
        assert seen == sorted(
            str(catalogue[key].pk) for key in ["shelters", "population", "toilets"]
        )

    @pytest.mark.parametrize(
        "query",
        [
            " OR ".join(["tags:a"] * 256),
            " ".join(["-tags:a"] * 256),
            "-(" + " OR ".join(["title:a"] * 256) + ")",
            " ".join(["a"] * 256),
            '"' + "あ " * 256 + '"',
            "(" * 31 + " ".join(["-groups:a"] * 250) + ")" * 31,
        ],
    )
    def test_long_queries_up_to_the_limits_work_on_every_database(self, client, catalogue, query):
        # SQLite refuses expressions deeper than 1000: the clause limit keeps well within.
        for key in ("q", "fq"):
            data = {key: query, "facet.field": '["tags", "groups"]'}
            assert "count" in result(call(client, "package_search", **data))

    def test_a_field_no_data_set_has_matches_nothing(self, client, catalogue):
        # CKAN's Solr schema indexes any name (dynamicField "*"): no error, no match.
        for fq in ["nosuchfield:x", "nosuchfield:(a OR b)", "nosuchfield:[a TO b]"]:
            found = search(client, fq=fq, **{"facet.field": '["tags"]'})
            assert (found["count"], found["results"], found["facets"]) == (0, [], {"tags": {}})
        assert search(client, q="nosuchfield:x")["count"] == 0
        assert search(client, fq="-nosuchfield:x")["count"] == 3

    def test_rows_are_capped_at_1000(self, client, catalogue):
        assert search(client, rows=5000)["count"] == 3

    def test_facets(self, client, catalogue):
        found = search(
            client,
            **{"facet.field": json.dumps(["organization", "tags", "res_format", "license_id"])},
        )
        assert found["facets"]["organization"] == {"koseki": 2, "kazei": 1}
        assert found["facets"]["tags"]["防災"] == 2
        assert found["facets"]["res_format"] == {"CSV": 2, "PDF": 1}
        # search_facets items by display name, last first, as CKAN sorts them.
        assert found["search_facets"]["organization"]["items"] == [
            {"name": "kazei", "display_name": "課税課", "count": 1},
            {"name": "koseki", "display_name": "戸籍住民課", "count": 2},
        ]
        licence = found["search_facets"]["license_id"]["items"][0]
        assert licence["display_name"] == "クリエイティブ・コモンズ 表示 4.0 国際"
        limited = search(client, **{"facet.field": '["tags"]', "facet.limit": 1})
        assert limited["facets"]["tags"] == {"防災": 2}

    def test_facet_mincount(self, client, catalogue):
        def facets(**data: Any) -> dict[str, Any]:
            fields = json.dumps(["tags", "organization", "groups"])
            return dict(search(client, rows=0, **{"facet.field": fields}, **data)["facets"])

        assert facets()["tags"] == {"防災": 2, "人口": 1, "避難・災害": 1}  # mincount 1 by default.
        assert facets(**{"facet.mincount": 2}) == {
            "tags": {"防災": 2},
            "organization": {"koseki": 2},
            "groups": {},
        }
        assert facets(**{"facet.mincount": 3}) == {"tags": {}, "organization": {}, "groups": {}}
        # Counts are over the matches, negated filters included.
        assert facets(fq="-organization:kazei", **{"facet.mincount": 2}) == {
            "tags": {"防災": 2},
            "organization": {"koseki": 2},
            "groups": {},
        }
        assert facets(fq="NOT groups:bosai") == {
            "tags": {"人口": 1, "防災": 1},
            "organization": {"kazei": 1, "koseki": 1},
            "groups": {"jinko": 1},
        }
        found = search(client, **{"facet.field": '["tags"]', "facet.mincount": 2})
        assert found["search_facets"]["tags"]["items"] == [
            {"name": "防災", "display_name": "防災", "count": 2}
        ]
        body = error(
            call(client, "package_search", **{"facet.mincount": "x"}), 409, "Validation Error"
        )
        assert "facet.mincount" in body

    def test_facet_mincount_zero_lists_values_no_match_has(self, client, catalogue, make_dataset):
        make_dataset("内部", name="private-tagged", private=True, tags=["内部資料"])
        make_dataset("下書き", name="draft-tagged", state="draft", tags=["下書き"])
        fields = json.dumps(["tags", "organization", "groups", "res_format"])

        def facets(**data: Any) -> dict[str, Any]:
            return dict(search(client, rows=0, **{"facet.field": fields}, **data))

        found = facets(fq="organization:kazei", **{"facet.mincount": 0})
        # Counted values first, then the others with 0 by value (code point), as Solr does.
        assert list(found["facets"]["tags"].items()) == [
            ("人口", 1),
            ("避難・災害", 0),  # U+907F
            ("防災", 0),  # U+9632
        ]
        assert found["search_facets"]["tags"]["items"][0] == {
            "name": "防災",
            "display_name": "防災",
            "count": 0,
        }
        assert found["facets"]["organization"] == {"kazei": 1, "koseki": 0}
        assert found["facets"]["groups"] == {"jinko": 1, "bosai": 0}
        assert found["facets"]["res_format"] == {"CSV": 1, "PDF": 1}
        assert found["search_facets"]["organization"]["items"][1]["display_name"] == "戸籍住民課"
        # Within facet.limit; a private or draft data set's values are never shown.
        limited = facets(fq="organization:kazei", **{"facet.mincount": 0, "facet.limit": 2})
        assert limited["facets"]["tags"] == {"人口": 1, "避難・災害": 0}
        assert facets(q="該当なし", **{"facet.mincount": 0})["facets"]["tags"] == {
            "人口": 0,
            "防災": 0,
            "避難・災害": 0,
        }
        # mincount 1 (the default) still leaves them out.
        assert facets(fq="organization:kazei")["facets"]["tags"] == {"人口": 1}

    def test_a_facet_field_no_data_set_has_lists_nothing(self, client, catalogue):
        # CKAN passes facet.field to Solr as it is, and CKAN's Solr schema indexes every name
        # (dynamicField "*"), so Solr facets any field without error: one no data set has
        # comes back with no values (ckan/config/solr/schema.xml, lib/search/query.py).
        fields = json.dumps(["creator", "tags", "extras_theme"])
        for data in ({}, {"facet.mincount": 0, "facet.limit": -1}):
            found = search(client, **{"facet.field": fields}, **data)
            assert found["count"] == 3
            assert (found["facets"]["creator"], found["facets"]["extras_theme"]) == ({}, {})
            assert found["facets"]["tags"]["防災"] == 2
            assert found["search_facets"]["creator"] == {"title": "creator", "items": []}
        assert search(client, **{"facet.field": '["creator"]'})["facets"] == {"creator": {}}

    def test_facet_order_is_solrs_default_as_ckan_sends_no_facet_sort(self, client, catalogue):
        # Solr sorts a field's values by count when facet.limit > 0 and by value ("index")
        # otherwise; CKAN never sends facet.sort. search_facets items are then sorted by
        # display name, last first, whatever the order (ckan/logic/action/get.py).
        def found(**data: Any) -> dict[str, Any]:
            fields = json.dumps(["tags", "organization"])
            return dict(search(client, rows=0, **{"facet.field": fields}, **data))

        def in_order(answer: dict[str, Any], field: str) -> list[tuple[str, int]]:
            return list(answer["facets"][field].items())

        by_count = found()
        assert in_order(by_count, "tags") == [("防災", 2), ("人口", 1), ("避難・災害", 1)]
        assert in_order(by_count, "organization") == [("koseki", 2), ("kazei", 1)]
        for limit in (-1, -5):  # Any negative limit is no limit.
            by_value = found(**{"facet.limit": limit})
            assert in_order(by_value, "tags") == [("人口", 1), ("避難・災害", 1), ("防災", 2)]
            assert in_order(by_value, "organization") == [("kazei", 1), ("koseki", 2)]
        assert found(**{"facet.limit": 0})["facets"] == {"tags": {}, "organization": {}}
        # With facet.mincount=0 and no limit, the values no match has go in among the others.
        zeros = found(fq="organization:koseki", **{"facet.limit": -1, "facet.mincount": 0})
        assert in_order(zeros, "tags") == [("人口", 0), ("避難・災害", 1), ("防災", 2)]
        for answer in (by_count, found(**{"facet.limit": -1}), zeros):
            items = answer["search_facets"]
            assert [item["name"] for item in items["tags"]["items"]] == [
                "防災",
                "避難・災害",
                "人口",
            ]
            assert [item["display_name"] for item in items["organization"]["items"]] == [
                "課税課",
                "戸籍住民課",
            ]

    def test_facet_field_repeated_in_the_query_string(self, client, catalogue):
        response = client.get("/api/3/action/package_search?facet.field=tags&facet.field=groups")
        assert set(result(response)["facets"]) == {"tags", "groups"}

    @pytest.mark.parametrize(
        ("data", "status", "type_name", "field"),
        [
            ({"rows": "many"}, 409, "Validation Error", "rows"),
            ({"start": -1}, 409, "Validation Error", "start"),
            ({"facet.field": "tags"}, 409, "Validation Error", "facet.field"),
            ({"include_private": "perhaps"}, 409, "Validation Error", "include_private"),
            ({"fq": "nosuchfield:[a TO"}, 400, "Search Query Error", None),
            ({"fq": "nosuchfield:(a OR b"}, 400, "Search Query Error", None),
            ({"fq": "metadata_modified:[yesterday TO *]"}, 400, "Search Query Error", None),
            ({"sort": "title sideways"}, 400, "Search Query Error", None),
            ({"sort": "secret_column asc"}, 400, "Search Query Error", None),
            ({"q": "(a OR b"}, 400, "Search Query Error", None),
            ({"fq": "{!tag=o}organization:koseki"}, 400, "Search Query Error", None),
            ({"fq": "title:人口~1"}, 400, "Search Query Error", None),
            ({"fq": "metadata_modified:[NOW-1FORTNIGHT TO NOW]"}, 400, "Search Query Error", None),
            ({"fq": "metadata_modified:[NOW+9999999YEARS TO *]"}, 400, "Search Query Error", None),
            ({"fq": " OR ".join(["tags:a"] * 257)}, 400, "Search Query Error", None),
            ({"q": " ".join(["a"] * 257)}, 400, "Search Query Error", None),
            ({"q": "(" * 3000 + "a" + ")" * 3000}, 400, "Search Query Error", None),
            ({"fq": "-" * 3000 + "tags:a"}, 400, "Search Query Error", None),
            ({"facet.limit": "all"}, 409, "Validation Error", "facet.limit"),
        ],
    )
    def test_bad_parameters_get_ckan_errors(
        self, client, catalogue, data, status, type_name, field
    ):
        body = error(call(client, "package_search", **data), status, type_name)
        if field:
            assert field in body
        else:
            assert body["message"].startswith("Search Query is invalid: ")


class TestOrganizationsGroupsTagsLicences:
    def test_organization_list_and_show(self, client, catalogue):
        listed = result(call(client, "organization_list", all_fields=True, sort="name asc"))
        assert [(o["name"], o["package_count"]) for o in listed] == [("kazei", 1), ("koseki", 2)]
        shown = result(call(client, "organization_show", id="koseki", include_datasets=True))
        assert shown["title"] == "戸籍住民課"
        assert shown["package_count"] == 2
        assert sorted(p["name"] for p in shown["packages"]) == ["evacuation-sites", "toilets"]
        error(call(client, "organization_show", id="nope"), 404, "Not Found Error")

    def test_organization_list_sorted_by_title(self, client, catalogue):
        # 戸 (U+6238) sorts before 課 (U+8AB2).
        assert result(call(client, "organization_list")) == ["koseki", "kazei"]

    def test_group_list_and_show(self, client, catalogue):
        assert result(call(client, "group_list", sort="name asc")) == ["bosai", "jinko"]
        shown = result(call(client, "group_show", id="bosai"))
        assert (shown["title"], shown["package_count"]) == ("防災・防犯", 1)
        error(call(client, "group_list", sort="colour asc"), 409, "Validation Error")

    def test_tag_list_holds_published_tags_only(self, client, catalogue, make_dataset):
        make_dataset("下書き", state="draft", tags=["秘密のタグ"])
        assert result(call(client, "tag_list")) == ["人口", "避難・災害", "防災"]
        assert result(call(client, "tag_list", query="避難")) == ["避難・災害"]

    def test_license_list_and_status(self, client, municipality):
        licences = {item["id"]: item for item in result(call(client, "license_list"))}
        assert {"cc-by-4.0", "pdl-1.0", "gov-jp-standard-2.0"} <= set(licences)
        assert licences["pdl-1.0"]["title"] == "公共データ利用規約（第1.0版）"
        status = result(call(client, "status_show"))
        assert status["site_title"] == "東京都大田区オープンデータカタログ"
        assert status["locale_default"] == "ja"
        assert result(call(client, "site_read")) is True
