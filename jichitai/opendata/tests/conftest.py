from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.core.models import OrgUnit
from jichitai.opendata.models import Dataset, Group, State
from jichitai.opendata.services.catalogue import create_dataset


@pytest.fixture
def groups(db: None) -> dict[str, Group]:
    return {
        name: Group.objects.create(name=name, title=title)
        for name, title in [("bosai", "防災・防犯"), ("jinko", "人口・世帯")]
    }


@pytest.fixture
def make_dataset(departments: dict[str, OrgUnit]) -> Callable[..., Dataset]:
    counter = iter(range(1, 10_000))

    def make(title: str = "データ", **fields: Any) -> Dataset:
        number = next(counter)
        fields.setdefault("name", f"dataset-{number:04d}")
        fields.setdefault("state", State.ACTIVE)
        owner = departments[fields.pop("department", "koseki")]
        return create_dataset(owner, title=title, **fields)

    return make


@pytest.fixture
def catalogue(make_dataset: Callable[..., Dataset], groups: dict[str, Group]) -> dict[str, Dataset]:
    """A small published catalogue, a draft and a private data set."""
    shelters = make_dataset(
        "指定緊急避難場所一覧",
        name="evacuation-sites",
        department="koseki",
        tags=["防災", "避難・災害"],
        groups=[groups["bosai"]],
        resources=[{"name": "避難場所CSV", "url": "https://example.jp/a.csv", "format": "CSV"}],
    )
    population = make_dataset(
        "地域・年齢別人口",
        name="population",
        department="kazei",
        notes="町丁目別・年齢別のジンコウ",
        tags=["人口"],
        groups=[groups["jinko"]],
        resources=[
            {"name": "人口CSV", "url": "https://example.jp/p.csv", "format": "CSV"},
            {"name": "人口PDF", "url": "https://example.jp/p.pdf", "format": "PDF"},
        ],
        temporal_start=dt.date(2024, 4, 1),
    )
    toilets = make_dataset("公衆トイレ一覧", name="toilets", department="koseki", tags=["防災"])
    draft = make_dataset("AED設置箇所一覧", name="aed-draft", state=State.DRAFT)
    private = make_dataset("非公開の内部データ", name="internal", private=True)
    return {
        "shelters": shelters,
        "population": population,
        "toilets": toilets,
        "draft": draft,
        "private": private,
    }


@pytest.fixture
def verified_staff(make_staff: Callable[..., Any]) -> Callable[..., Any]:
    """Staff as a service sees them after signing in with their second factor."""

    def make(*roles: Any, department: str = "koseki") -> Any:
        user = make_staff(*roles, department=department)
        user.is_verified = lambda: True
        return user

    return make


@pytest.fixture
def resource(departments: dict[str, OrgUnit]) -> Any:
    """A published data set's one resource, ready for uploads."""
    dataset = create_dataset(
        departments["koseki"],
        name="aed",
        title="AED設置箇所一覧",
        state="active",
        resources=[{"name": "AED一覧（CSV）"}],
    )
    return dataset.resources.get()


@pytest.fixture
def clerk(verified_staff: Callable[..., Any]) -> Any:
    return verified_staff("clerk")
