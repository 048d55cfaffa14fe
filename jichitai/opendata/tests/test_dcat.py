"""DCAT-AP 3 documents: parsed with rdflib, validated with pySHACL against the published shapes."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.term import Node

from jichitai.opendata.dcat import selectors
from jichitai.opendata.dcat.vocabulary import DCAT_VERSION, HYDRA, VCARD
from jichitai.opendata.models import CheckStatus, Dataset, ResourceFile, UpdateFrequency
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload

pytestmark = pytest.mark.django_db

SHAPES = Path(__file__).parent / "data" / "dcat-ap-3-shacl-shapes.ttl"
BASE = "http://testserver"
FORMATS = {"ttl": ("turtle", "text/turtle; charset=utf-8"), "jsonld": ("json-ld", None)}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _fetch(client: Client, url: str, extension: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if extension == "ttl":
        assert response["Content-Type"] == "text/turtle; charset=utf-8"
        return Graph().parse(data=response.content.decode("utf-8"), format="turtle")
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(response.content)
    assert isinstance(document["@context"], dict)  # inline: readers fetch nothing
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still goes through its deprecated ConjunctiveGraph.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=response.content.decode("utf-8"), format="json-ld")


def _assert_conforms(graph: Graph, shapes: Graph) -> None:
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


@pytest.fixture
def full_dataset(catalogue: dict[str, Dataset], verified_staff: Any) -> Dataset:
    """The evacuation sites with every optional field set and an uploaded, published CSV."""
    dataset = catalogue["shelters"]
    Dataset.objects.filter(pk=dataset.pk).update(
        notes="区が指定する緊急避難場所の一覧です。",
        maintainer="防災課 防災係",
        maintainer_email="bousai@example.jp",
        url="https://www.city.example.jp/bousai/",
        version="2025年度版",
        update_frequency=UpdateFrequency.MONTHLY,
        temporal_start=dt.date(2025, 4, 1),
        temporal_end=dt.date(2026, 3, 31),
        spatial="東京都大田区",
        conforms_to="evacuation-sites",
        license_id="pdl-1.0",
    )
    clerk = verified_staff("clerk")
    resource = dataset.resources.create(name="避難場所一覧（CSV）", position=1)
    content = "名称,住所\r\n大田区立蒲田小学校,東京都大田区蒲田\r\n".encode()
    stored = receive_upload(clerk, resource, SimpleUploadedFile("hinan.csv", content))
    publish_file(clerk, check_file(stored.pk))
    dataset.refresh_from_db()
    return dataset


@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_dataset_with_every_field_conforms_and_carries_them(
    client: Client, full_dataset: Dataset, shapes: Graph, extension: str
) -> None:
    graph = _fetch(client, f"/dataset/evacuation-sites.{extension}", extension)
    _assert_conforms(graph, shapes)
    node = URIRef(f"{BASE}/dataset/{full_dataset.pk}")
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert graph.value(node, DCTERMS.title) == Literal("指定緊急避難場所一覧", lang="ja")
    assert graph.value(node, DCTERMS.description) == Literal(
        "区が指定する緊急避難場所の一覧です。", lang="ja"
    )
    assert graph.value(node, DCTERMS.identifier) == Literal(str(full_dataset.pk))
    assert set(graph.objects(node, DCAT.keyword)) == {
        Literal("防災", lang="ja"),
        Literal("避難・災害", lang="ja"),
    }
    assert graph.value(node, DCAT.landingPage) == URIRef(f"{BASE}/data/evacuation-sites/")
    assert graph.value(node, FOAF.page) == URIRef("https://www.city.example.jp/bousai/")
    assert graph.value(node, DCAT_VERSION) == Literal("2025年度版")
    modified = graph.value(node, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == XSD.dateTime
    assert graph.value(node, DCTERMS.issued).datatype == XSD.dateTime  # type: ignore[union-attr]
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    )
    # The owning department as a named agent; the contact point as a vCard.
    publisher = graph.value(node, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert graph.value(publisher, FOAF.name) == Literal("戸籍住民課", lang="ja")
    contact = graph.value(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert graph.value(contact, VCARD.fn) == Literal("防災課 防災係", lang="ja")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:bousai@example.jp")
    # Group as theme, period, place, standard.
    theme = graph.value(node, DCAT.theme)
    assert graph.value(theme, SKOS.prefLabel) == Literal("防災・防犯", lang="ja")
    period = graph.value(node, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal(dt.date(2025, 4, 1), datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal(dt.date(2026, 3, 31), datatype=XSD.date)
    place = graph.value(node, DCTERMS.spatial)
    assert graph.value(place, SKOS.prefLabel) == Literal("東京都大田区", lang="ja")
    standard = graph.value(node, DCTERMS.conformsTo)
    assert (standard, RDF.type, DCTERMS.Standard) in graph
    assert graph.value(standard, DCTERMS.identifier) == Literal("evacuation-sites")
    # Two distributions: the link and the uploaded file.
    distributions = list(graph.objects(node, DCAT.distribution))
    assert len(distributions) == 2
    uploaded = next(
        d
        for d in distributions
        if graph.value(d, DCAT.downloadURL) is not None
        and "download" in str(graph.value(d, DCAT.downloadURL))
    )
    resource = full_dataset.resources.get(name="避難場所一覧（CSV）")
    assert uploaded == URIRef(f"{BASE}/dataset/{full_dataset.pk}/resource/{resource.pk}")
    assert graph.value(uploaded, DCAT.downloadURL) == URIRef(
        f"{BASE}/dataset/{full_dataset.pk}/resource/{resource.pk}/download/"
    )
    assert graph.value(uploaded, DCAT.accessURL) == URIRef(
        f"{BASE}/data/evacuation-sites/resource/{resource.pk}/"
    )
    assert graph.value(uploaded, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert graph.value(uploaded, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    size = graph.value(uploaded, DCAT.byteSize)
    assert isinstance(size, Literal) and size.datatype == XSD.nonNegativeInteger
    licence = graph.value(uploaded, DCTERMS.license)
    assert licence == URIRef(
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
    )
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    link = next(d for d in distributions if d != uploaded)
    assert graph.value(link, DCAT.accessURL) == URIRef("https://example.jp/a.csv")
    assert graph.value(link, DCAT.downloadURL) == URIRef("https://example.jp/a.csv")


@pytest.mark.parametrize("status", [CheckStatus.FAILED, CheckStatus.UNREADABLE])
def test_no_conformance_claimed_while_a_published_file_fails(
    client: Client, full_dataset: Dataset, shapes: Graph, status: str
) -> None:
    """Checked again against a standard declared since, a published file fails: it stays
    published (staff are told), and the catalog stops claiming the standard until it passes."""
    resource = full_dataset.resources.get(name="避難場所一覧（CSV）")
    assert resource.published_file_id is not None
    published = ResourceFile.objects.filter(pk=resource.published_file_id)
    published.update(status=status)
    graph = _fetch(client, "/dataset/evacuation-sites.ttl", "ttl")
    _assert_conforms(graph, shapes)
    node = URIRef(f"{BASE}/dataset/{full_dataset.pk}")
    assert graph.value(node, DCTERMS.conformsTo) is None
    assert len(list(graph.objects(node, DCAT.distribution))) == 2  # still published
    published.update(status=CheckStatus.PASSED)
    graph = _fetch(client, "/dataset/evacuation-sites.ttl", "ttl")
    assert graph.value(node, DCTERMS.conformsTo) is not None


def test_dataset_by_id_and_its_uris_lead_to_its_pages(
    client: Client, full_dataset: Dataset
) -> None:
    by_id = _fetch(client, f"/dataset/{full_dataset.pk}.ttl", "ttl")
    by_name = _fetch(client, "/dataset/evacuation-sites.ttl", "ttl")
    assert len(by_id) == len(by_name)
    response = client.get(f"/dataset/{full_dataset.pk}")
    assert response.status_code == 302 and response["Location"] == "/data/evacuation-sites/"
    resource = full_dataset.resources.get(position=1)
    response = client.get(f"/dataset/{full_dataset.pk}/resource/{resource.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/data/evacuation-sites/resource/{resource.pk}/"
    assert client.get("/catalog")["Location"] == "/data/"


def test_minimal_dataset_conforms(
    client: Client, catalogue: dict[str, Dataset], shapes: Graph
) -> None:
    # 公衆トイレ一覧: no description, no resources, no optional field.
    graph = _fetch(client, "/dataset/toilets.jsonld", "jsonld")
    _assert_conforms(graph, shapes)
    node = URIRef(f"{BASE}/dataset/{catalogue['toilets'].pk}")
    assert graph.value(node, DCTERMS.description) == Literal("公衆トイレ一覧", lang="ja")
    contact = graph.value(node, DCAT.contactPoint)
    assert graph.value(contact, VCARD.fn) == Literal("戸籍住民課", lang="ja")


@pytest.mark.parametrize("name", ["aed-draft", "internal", "no-such-data", "x"])
@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_drafts_private_and_unknown_data_sets_are_404(
    client: Client, catalogue: dict[str, Dataset], name: str, extension: str
) -> None:
    assert client.get(f"/dataset/{name}.{extension}").status_code == 404
    for key in ["draft", "private"]:
        assert client.get(f"/dataset/{catalogue[key].pk}.{extension}").status_code == 404
        assert client.get(f"/dataset/{catalogue[key].pk}").status_code == 404


def test_drafts_stay_out_even_for_their_department(
    client: Client, catalogue: dict[str, Dataset], verified_staff: Any, signed_in: Any
) -> None:
    signed_in(client, verified_staff("clerk"))
    assert client.get("/dataset/aed-draft.ttl").status_code == 404
    graph = _fetch(client, "/catalog.ttl", "ttl")
    assert (URIRef(f"{BASE}/dataset/{catalogue['draft'].pk}"), None, None) not in graph


@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_catalog_conforms_and_lists_published_data_sets(
    client: Client, catalogue: dict[str, Dataset], shapes: Graph, extension: str
) -> None:
    graph = _fetch(client, f"/catalog.{extension}", extension)
    _assert_conforms(graph, shapes)
    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert set(graph.objects(catalog, DCTERMS.title)) == {
        Literal("東京都大田区オープンデータカタログ", lang="ja"),
        Literal("Ota City, Tokyo open data catalogue", lang="en"),
    }
    assert graph.value(catalog, DCTERMS.description) is not None
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert Literal("東京都大田区", lang="ja") in set(graph.objects(publisher, FOAF.name))
    listed = set(graph.objects(catalog, DCAT.dataset))
    expected = {
        URIRef(f"{BASE}/dataset/{catalogue[key].pk}")
        for key in ["shelters", "population", "toilets"]
    }
    assert listed == expected
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == expected
    view = graph.value(catalog, HYDRA.view)
    assert graph.value(view, HYDRA.totalItems) == Literal(3, datatype=XSD.integer)
    assert graph.value(view, HYDRA.first) == URIRef(f"{BASE}/catalog.{extension}?page=1")
    assert graph.value(view, HYDRA.last) == URIRef(f"{BASE}/catalog.{extension}?page=1")
    assert graph.value(view, HYDRA.next) is None


def test_paging_lists_every_data_set_exactly_once(
    client: Client,
    catalogue: dict[str, Dataset],
    make_dataset: Any,
    shapes: Graph,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for number in range(5):
        make_dataset(f"表{number}", name=f"table-{number}")
    monkeypatch.setattr(selectors, "DATASETS_PER_PAGE", 3)
    seen: list[Node] = []
    url: str | None = f"{BASE}/catalog.ttl"
    pages = 0
    while url:
        graph = _fetch(client, url.removeprefix(BASE), "ttl")
        _assert_conforms(graph, shapes)
        pages += 1
        seen += list(graph.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))
        view = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
        assert graph.value(view, HYDRA.itemsPerPage) == Literal(3, datatype=XSD.integer)
        assert graph.value(view, HYDRA.last) == URIRef(f"{BASE}/catalog.ttl?page=3")
        following = graph.value(view, HYDRA.next)
        # ckanext-dcat's harvester follows the older literal form; both must agree.
        older = graph.value(view, HYDRA.nextPage)
        assert (str(following) if following else None) == (str(older) if older else None)
        url = str(following) if following else None
    assert pages == 3
    published = Dataset.objects.filter(state="active", private=False)
    assert len(seen) == len(set(seen)) == published.count() == 8
    assert set(seen) == {
        URIRef(f"{BASE}/dataset/{pk}") for pk in published.values_list("pk", flat=True)
    }


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "１", "99999999999999999999", "1e3"])
def test_bad_page_numbers_are_400(client: Client, catalogue: Any, page: str) -> None:
    response = client.get("/catalog.ttl", {"page": page})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_a_page_past_the_last_is_404(client: Client, catalogue: Any) -> None:
    assert client.get("/catalog.jsonld", {"page": "2"}).status_code == 404
    assert client.get("/catalog.ttl", {"page": "1"}).status_code == 200


def test_empty_catalogue_still_has_a_first_page(
    client: Client, municipality: Any, shapes: Graph
) -> None:
    graph = _fetch(client, "/catalog.ttl", "ttl")
    _assert_conforms(graph, shapes)
    assert list(graph.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset)) == []


def test_writes_are_refused(client: Client, catalogue: Any) -> None:
    assert client.post("/catalog.ttl").status_code == 405
    assert client.post("/dataset/toilets.jsonld").status_code == 405


def test_a_full_page_takes_a_fixed_number_of_queries(
    client: Client,
    departments: dict[str, Any],
    groups: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    """100 data sets, each with tags, a group and resources: the query count is pinned."""
    from jichitai.opendata.services.catalogue import create_dataset

    for number in range(101):
        create_dataset(
            departments["koseki" if number % 2 else "kazei"],
            name=f"set-{number:03d}",
            title=f"表{number}",
            state="active",
            tags=["防災", f"tag{number % 7}"],
            groups=[groups["bosai"]],
            resources=[
                {"name": "CSV", "url": f"https://example.jp/{number}.csv", "format": "CSV"},
                {"name": "PDF", "url": f"https://example.jp/{number}.pdf", "format": "PDF"},
            ],
        )
    with django_assert_num_queries(8):
        graph = _fetch(client, "/catalog.ttl", "ttl")
    assert len(list(graph.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))) == 100
    second = _fetch(client, "/catalog.ttl?page=2", "ttl")
    assert len(list(second.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))) == 1


def test_the_shapes_do_catch_a_missing_mandatory_property(
    client: Client, catalogue: dict[str, Dataset], shapes: Graph
) -> None:
    """The validation above is not vacuous: without its title a data set fails the shapes."""
    graph = _fetch(client, "/dataset/population.ttl", "ttl")
    node = URIRef(f"{BASE}/dataset/{catalogue['population'].pk}")
    graph.remove((node, DCTERMS.title, None))
    conforms, results, _ = validate(graph, shacl_graph=shapes, inference="none")
    assert not conforms
    assert (None, URIRef("http://www.w3.org/ns/shacl#resultPath"), DCTERMS.title) in results


def test_pages_link_their_dcat_documents(
    client: Client, catalogue: dict[str, Dataset], verified_staff: Any, signed_in: Any
) -> None:
    page = client.get("/data/toilets/").content.decode()
    assert '<link rel="alternate" type="text/turtle" href="/dataset/toilets.ttl">' in page
    assert (
        '<link rel="alternate" type="application/ld+json" href="/dataset/toilets.jsonld">' in page
    )
    search = client.get("/data/").content.decode()
    assert '<link rel="alternate" type="text/turtle" href="/catalog.ttl">' in search
    # A draft's page, seen by its department, links no document (it would be a 404).
    signed_in(client, verified_staff("clerk"))
    draft = client.get("/data/aed-draft/")
    assert draft.status_code == 200
    assert "/dataset/aed-draft.ttl" not in draft.content.decode()


def test_status_show_claims_dcat_and_the_claim_holds(client: Client, catalogue: Any) -> None:
    status = client.get("/api/3/action/status_show").json()["result"]
    assert "dcat" in status["extensions"]
    for address in ["/catalog.ttl", "/catalog.jsonld", "/dataset/toilets.ttl"]:
        assert client.get(address).status_code == 200


def test_modified_since_keeps_recent_changes_and_stays_on_the_links(
    client: Client,
    catalogue: dict[str, Dataset],
    shapes: Graph,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    Dataset.objects.filter(name="toilets").update(metadata_modified=old)
    Dataset.objects.exclude(name="toilets").update(
        metadata_modified=dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.UTC)
    )
    monkeypatch.setattr(selectors, "DATASETS_PER_PAGE", 1)
    catalog = URIRef(f"{BASE}/catalog")
    seen = []
    for since in ["2025-06-01", "2025-06-01T12:00:00+09:00", "2025-06-01T12:00:00 09:00"]:
        graph = _fetch(client, f"/catalog.ttl?modified_since={since}", "ttl")
        view = graph.value(catalog, HYDRA.view)
        assert graph.value(view, HYDRA.totalItems) == Literal(2, datatype=XSD.integer)
        following = str(graph.value(view, HYDRA.next))
        assert "modified_since=" in following and following.endswith("page=2")
        seen = list(graph.objects(catalog, DCAT.dataset))
        second = _fetch(client, following.removeprefix(BASE), "ttl")
        _assert_conforms(second, shapes)
        seen += list(second.objects(catalog, DCAT.dataset))
        assert URIRef(f"{BASE}/dataset/{catalogue['toilets'].pk}") not in seen
        assert len(set(seen)) == 2
    # Later than everything: an empty first page, not an error.
    graph = _fetch(client, "/catalog.jsonld?modified_since=2030-01-01", "jsonld")
    assert list(graph.objects(catalog, DCAT.dataset)) == []


@pytest.mark.parametrize(
    "since", ["yesterday", "2025-13-01", "2025-02-30", "2025-06-01T25:00:00", "1" * 41, "２０２５"]
)
def test_bad_modified_since_is_400(client: Client, catalogue: Any, since: str) -> None:
    response = client.get("/catalog.ttl", {"modified_since": since})
    assert response.status_code == 400
    assert "modified_since" in response.content.decode()
