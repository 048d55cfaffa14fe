"""The data set search's facet columns stay in step with the catalogue, and facets count right."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.opendata import search_index
from jichitai.opendata.models import Dataset, Group
from jichitai.opendata.services.catalogue import touch

from .test_ckan_actions import call, result

pytestmark = pytest.mark.django_db


def search(client: Any, **data: Any) -> dict[str, Any]:
    return dict(result(call(client, "package_search", **data)))


def values(column_value: str) -> set[str]:
    return set(column_value.split(search_index.TERM_SEPARATOR)) if column_value else set()


class TestFacetColumnsFollowTheCatalogue:
    def test_create_update_and_delete(self, client, make_dataset, groups):
        dataset = make_dataset(
            "公衆トイレ一覧",
            tags=["防災"],
            groups=[groups["bosai"]],
            resources=[{"name": "CSV", "url": "https://example.jp/t.csv", "format": "CSV"}],
        )
        dataset.refresh_from_db()
        assert values(dataset.facet_formats) == {"CSV"}
        assert values(dataset.facet_groups) == {str(groups["bosai"].pk)}
        assert values(dataset.facet_tags) == {str(dataset.tags.get().pk)}
        dataset.license_id = "cc0-1.0"
        dataset.save(update_fields=["license_id"])
        dataset.groups.set([groups["jinko"]])
        dataset.resources.update(format="PDF")
        touch(dataset)
        dataset.refresh_from_db()
        assert values(dataset.facet_groups) == {str(groups["jinko"].pk)}
        assert values(dataset.facet_formats) == {"PDF"}
        facets = search(
            client, q="公衆トイレ", **{"facet.field": '["groups", "res_format", "license_id"]'}
        )["facets"]
        assert facets == {
            "groups": {"jinko": 1},
            "res_format": {"PDF": 1},
            "license_id": {"cc0-1.0": 1},
        }
        dataset.delete()
        assert search(client, q="公衆トイレ", **{"facet.field": '["license_id"]'})["count"] == 0

    def test_rebuild_restores_facet_columns_after_bulk_writes(self, client, catalogue, groups):
        fields = '["organization", "tags", "groups", "res_format", "license_id"]'
        before = search(client, **{"facet.field": fields})
        Dataset.objects.update(facet_formats="", facet_groups="", facet_tags="")
        assert search(client, **{"facet.field": fields})["facets"]["tags"] == {}
        search_index.rebuild()
        assert search(client, **{"facet.field": fields}) == before
        shelters = catalogue["shelters"]
        shelters.refresh_from_db()
        assert {
            column: getattr(shelters, column) for column in search_index.MULTI_VALUED
        } == search_index.facet_values_of(shelters)

    def test_japanese_substrings_still_found_with_facets(self, client, catalogue):
        answer = search(client, q="避難", **{"facet.field": '["organization", "res_format"]'})
        assert [r["name"] for r in answer["results"]] == ["evacuation-sites"]
        assert answer["facets"] == {"organization": {"koseki": 1}, "res_format": {"CSV": 1}}


class TestFacetColumns:
    def test_facet_columns_hold_each_value_once(self, catalogue, groups):
        population = catalogue["population"]
        population.refresh_from_db()
        tag_ids = [str(pk) for pk in population.tags.values_list("pk", flat=True)]
        assert population.facet_formats.split(search_index.TERM_SEPARATOR) == ["CSV", "PDF"]
        assert population.facet_groups == str(groups["jinko"].pk)
        assert population.facet_tags.split(search_index.TERM_SEPARATOR) == sorted(tag_ids)

    def test_counts_add_up_over_groups_of_matches(self, client, make_dataset, groups):
        """Data sets sharing department, licence and formats come back as one group."""
        for number in range(3):
            make_dataset(
                f"避難所一覧{number}",
                groups=[groups["bosai"]] if number else [],
                resources=[
                    {"name": "CSV", "url": "https://example.jp/a.csv", "format": "CSV"},
                    {"name": "表", "url": "https://example.jp/a.xlsx", "format": "XLSX"},
                ],
            )
        answer = search(
            client, q="避難所一覧", **{"facet.field": '["res_format", "groups", "license_id"]'}
        )
        assert answer["count"] == 3
        assert answer["facets"]["res_format"] == {"CSV": 3, "XLSX": 3}
        assert answer["facets"]["groups"] == {"bosai": 2}
        assert sum(answer["facets"]["license_id"].values()) == 3

    def test_facets_show_a_renamed_group_without_reindexing(self, client, catalogue, groups):
        Group.objects.filter(pk=groups["bosai"].pk).update(name="bosai-bohan")
        found_facets = search(client, **{"facet.field": '["groups"]'})["facets"]["groups"]
        assert found_facets == {"bosai-bohan": 1, "jinko": 1}

    def test_search_words_and_facets_together(self, client, catalogue):
        answer = search(
            client,
            q="一覧",
            fq="-organization:kazei",
            **{"facet.field": '["organization", "res_format", "license_id"]'},
        )
        assert answer["count"] == 2
        assert {r["name"] for r in answer["results"]} == {"evacuation-sites", "toilets"}
        assert answer["facets"]["organization"] == {"koseki": 2}
        assert answer["facets"]["res_format"] == {"CSV": 1}
        assert sum(answer["facets"]["license_id"].values()) == 2
