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


ALL_FACETS = '["organization", "tags", "groups", "res_format", "license_id"]'


class TestBroadWordsCountedByComplement:
    """A word found in most of the base set is counted as cached totals minus the data sets it
    misses; the answer must be the one grouping the matches gives, after any write."""

    @pytest.fixture
    def broad(self, make_dataset, catalogue, groups):
        """Most published data sets hold 一覧; the draft and the private one too."""
        for number, (department, licence, format_) in enumerate(
            [("koseki", "cc0-1.0", "XLSX"), ("kazei", "cc-by-4.0", "CSV"), ("kazei", "", "PDF")]
        ):
            make_dataset(
                f"避難所一覧{number}",
                department=department,
                license_id=licence or "pdl-1.0",
                tags=["防災", f"地区{number}"],
                groups=[groups["bosai"]],
                resources=[{"name": "表", "url": "https://example.jp/x", "format": format_}],
            )
        return catalogue

    @pytest.fixture
    def spy(self, monkeypatch) -> list[list[str]]:
        """The complements counted, so that a test knows the complement path ran."""
        counted: list[list[str]] = []
        original = search_index.counted_by_complement

        def counting(base, terms, columns, scope):
            counted.append(terms)
            return original(base, terms, columns, scope)

        monkeypatch.setattr(search_index, "counted_by_complement", counting)
        return counted

    @staticmethod
    def direct(user: Any, monkeypatch: Any, **data: Any) -> dict[str, Any]:
        """The answer grouping every match, the way without cached totals."""
        from jichitai.opendata.ckan import package_search as module

        with monkeypatch.context() as patch:
            patch.setattr(module, "text_narrowing", lambda user, request: None)
            return module.package_search(user, data, "http://testserver")

    @staticmethod
    def narrowed(user: Any, **data: Any) -> dict[str, Any]:
        from jichitai.opendata.ckan.package_search import package_search

        return package_search(user, data, "http://testserver")

    def assert_same(self, user: Any, monkeypatch: Any, **data: Any) -> dict[str, Any]:
        data = {"facet.field": ALL_FACETS, "facet.limit": -1, **data}
        answer = self.narrowed(user, **data)
        assert answer == self.direct(user, monkeypatch, **data)
        return answer

    def test_broad_narrow_and_no_words_answer_as_grouping_does(self, broad, monkeypatch, spy):
        from django.contrib.auth.models import AnonymousUser

        anonymous = AnonymousUser()
        for q in ["一覧", "一覧 避難", "避難", "人口", "", "ない言葉", "一覧 ない言葉"]:
            answer = self.assert_same(anonymous, monkeypatch, q=q)
            assert answer["count"] == len(
                [r for r in self.direct(anonymous, monkeypatch, q=q, rows=1000)["results"]]
            )
        broad_answer = self.narrowed(anonymous, q="一覧", **{"facet.field": ALL_FACETS})
        assert (
            broad_answer["count"] == 5
        )  # shelters, toilets and three 避難所一覧; not draft, private
        assert broad_answer["facets"]["organization"] == {"koseki": 3, "kazei": 2}
        assert broad_answer["facets"]["res_format"] == {"CSV": 2, "XLSX": 1, "PDF": 1}
        assert ["一覧"] in spy and ["一覧", "避難"] in spy and [] in spy

    def test_counts_follow_every_write(self, broad, monkeypatch, groups):
        from django.contrib.auth.models import AnonymousUser

        anonymous = AnonymousUser()
        self.assert_same(anonymous, monkeypatch, q="一覧")  # totals cached
        toilets = broad["toilets"]
        Dataset.objects.filter(pk=toilets.pk).update(license_id="cc0-1.0")
        assert (
            self.assert_same(anonymous, monkeypatch, q="一覧")["facets"]["license_id"]["cc0-1.0"]
            == 2
        )
        Dataset.objects.filter(pk=broad["draft"].pk).update(state="active")
        assert self.assert_same(anonymous, monkeypatch, q="一覧")["count"] == 6
        Dataset.objects.filter(pk=broad["private"].pk).update(private=False)
        assert self.assert_same(anonymous, monkeypatch, q="")["count"] == 8
        toilets.groups.set([groups["jinko"]])
        touch(toilets)
        assert self.assert_same(anonymous, monkeypatch, q="一覧")["facets"]["groups"] == {
            "bosai": 4,
            "jinko": 1,
        }
        Dataset.objects.filter(pk=broad["shelters"].pk).delete()
        assert self.assert_same(anonymous, monkeypatch, q="一覧")["count"] == 5
        Dataset.objects.filter(pk=toilets.pk).update(private=True)
        assert self.assert_same(anonymous, monkeypatch, q="一覧")["count"] == 4

    def test_private_and_draft_data_sets_stay_exact(self, broad, monkeypatch, verified_staff):
        from django.contrib.auth.models import AnonymousUser

        koseki, kazei = verified_staff("clerk"), verified_staff("clerk", department="kazei")
        for user in [AnonymousUser(), koseki, kazei]:
            for flags in [{}, {"include_private": "true"}, {"include_drafts": "true"}]:
                for q in ["一覧", ""]:
                    self.assert_same(user, monkeypatch, q=q, **flags)
        everything = {"include_private": "true", "include_drafts": "true"}
        assert self.narrowed(koseki, q="一覧", **everything)["count"] == 5 + 1  # the draft
        assert self.narrowed(koseki, q="", **everything)["count"] == 6 + 2  # draft, private
        assert self.narrowed(kazei, q="一覧", **everything)["count"] == 5
        assert self.narrowed(AnonymousUser(), q="一覧", **everything)["count"] == 5

    def test_the_token_changes_with_the_catalogue_and_is_refused_without_triggers(self, broad):
        from django.db import connection

        token = search_index.catalogue_token()
        assert token is not None
        Dataset.objects.filter(pk=broad["toilets"].pk).update(title="新しい題名")
        assert search_index.catalogue_token() == token  # the title counts in no facet
        Dataset.objects.filter(pk=broad["toilets"].pk).update(facet_tags="")
        assert search_index.catalogue_token() not in {None, token}
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
                cursor.execute(
                    "ALTER TABLE opendata_dataset DISABLE TRIGGER opendata_catalogue_changed"
                )
            else:
                cursor.execute("DROP TRIGGER opendata_catalogue_updated")
        assert search_index.catalogue_token() is None
