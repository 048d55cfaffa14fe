"""The data set search's facet terms stay in step with the catalogue, and facets count right."""

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


def terms(dataset: Dataset) -> set[str]:
    return set(dataset.facet_terms.split(search_index.TERM_SEPARATOR))


class TestFacetTermsFollowTheCatalogue:
    def test_create_update_and_delete(self, make_dataset, groups):
        dataset = make_dataset(
            "公衆トイレ一覧",
            tags=["防災"],
            groups=[groups["bosai"]],
            resources=[{"name": "CSV", "url": "https://example.jp/t.csv", "format": "CSV"}],
        )
        assert {"f:CSV", f"g:{groups['bosai'].pk}", f"o:{dataset.owner_org_id}"} <= terms(dataset)
        dataset.license_id = "cc0-1.0"
        dataset.groups.set([groups["jinko"]])
        touch(dataset)
        dataset.refresh_from_db()
        assert "l:cc0-1.0" in terms(dataset)
        assert f"g:{groups['jinko'].pk}" in terms(dataset)
        assert f"g:{groups['bosai'].pk}" not in terms(dataset)
        dataset.delete()
        assert not Dataset.objects.filter(facet_terms__contains="cc0-1.0").exists()

    def test_rebuild_restores_facet_terms_after_bulk_writes(self, client, catalogue, groups):
        fields = '["organization", "tags", "groups", "res_format", "license_id"]'
        before = search(client, **{"facet.field": fields})
        Dataset.objects.update(facet_terms="")
        assert search(client, **{"facet.field": fields})["facets"]["tags"] == {}
        search_index.rebuild()
        assert search(client, **{"facet.field": fields}) == before
        shelters = catalogue["shelters"]
        shelters.refresh_from_db()
        assert shelters.facet_terms == search_index.facet_terms_of(shelters)

    def test_japanese_substrings_still_found_with_facets(self, client, catalogue):
        answer = search(client, q="避難", **{"facet.field": '["organization", "res_format"]'})
        assert [r["name"] for r in answer["results"]] == ["evacuation-sites"]
        assert answer["facets"] == {"organization": {"koseki": 1}, "res_format": {"CSV": 1}}


class TestFacetTerms:
    def test_facet_terms_hold_each_value_once(self, catalogue, groups):
        population = catalogue["population"]
        terms = set(population.facet_terms.split(search_index.TERM_SEPARATOR))
        tag_ids = {f"t:{pk}" for pk in population.tags.values_list("pk", flat=True)}
        assert terms == {
            f"o:{population.owner_org_id}",
            f"l:{population.license_id}",
            "f:CSV",
            "f:PDF",
            f"g:{groups['jinko'].pk}",
            *tag_ids,
        }

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
