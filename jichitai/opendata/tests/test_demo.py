"""The demo catalogue loads through the real pipeline and is what the portal shows."""

from __future__ import annotations

import pytest

from jichitai.accounts import demo as accounts_demo
from jichitai.core import demo as core_demo
from jichitai.opendata import demo
from jichitai.opendata.models import CheckStatus, Dataset, DatastoreTable, ResourceFile


@pytest.mark.django_db
def test_demo_catalogue(client) -> None:
    core_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()  # Idempotent.
    assert Dataset.objects.count() >= 30
    published = ResourceFile.objects.filter(
        pk__in=Dataset.objects.values("resources__published_file")
    )
    assert published.count() == Dataset.objects.count()
    assert published.filter(encoding="cp932").exists()
    assert ResourceFile.objects.filter(status=CheckStatus.FAILED).count() == 1
    # Each data set that declares a standard was checked against it and conforms.
    declared = Dataset.objects.exclude(conforms_to="")
    assert declared.count() == len(demo.STANDARD_DEMOS) + 1  # and the オープンデータ一覧
    for dataset in declared:
        file = dataset.resources.get().published_file
        assert file is not None
        assert (file.standard_id, file.error_count) == (dataset.conforms_to, 0), dataset.name
    # The one file with intended errors keeps its report (values, not missing columns).
    failed = ResourceFile.objects.get(status=CheckStatus.FAILED)
    assert failed.resource.dataset.conforms_to == "population-by-area-and-age"
    assert [(i["type"], i["row_number"]) for i in failed.issues] == [
        ("type-error", 5),
        ("type-error", 9),
    ]
    assert all("サンプル" in dataset.title for dataset in Dataset.objects.all())
    found = client.get("/api/3/action/package_search", {"q": "避難"}).json()["result"]
    assert [package["name"] for package in found["results"]] == ["evacuation-sites"]
    # Every published table is in the datastore, typed and searchable.
    tables = published.exclude(published_storage_name="")
    assert tables.exists()
    assert set(DatastoreTable.objects.values_list("source_file", flat=True)) == set(
        tables.values_list("pk", flat=True)
    )
    shelters = Dataset.objects.get(name="evacuation-sites").resources.get()
    rows = client.get(
        "/api/3/action/datastore_search", {"resource_id": str(shelters.pk), "limit": 2}
    ).json()["result"]
    assert len(rows["records"]) == 2 and rows["total"] > 2
    # The previews have something to show: places on a map, numbers in a chart.
    previews = {
        "evacuation-sites": (True, True),
        "aed": (True, False),
        "population-trend": (False, True),
    }
    for name, (has_map, has_chart) in previews.items():
        page = client.get(f"/data/{name}/").content.decode()
        assert ("data-map-preview" in page, '<svg class="chart' in page) == (has_map, has_chart)


@pytest.mark.django_db
def test_demo_data_requests(client) -> None:
    from jichitai.opendata.models import DataRequest, DataRequestFiling

    core_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()  # Idempotent.
    requests = DataRequest.objects.all()
    assert requests.count() == 3
    assert all("サンプル" in request.title for request in requests)
    answered = requests.get(status="published")
    assert answered.answer and answered.events.count() == 3
    page = client.get("/data/requests/").content.decode()
    assert "公園の遊具の一覧（サンプル）" in page
    # The demo's filings count against no client's hourly limit.
    assert not DataRequestFiling.objects.exists()
