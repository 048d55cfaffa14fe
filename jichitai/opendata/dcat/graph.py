"""The catalogue as an RDF graph following DCAT-AP 3 (ckanext-dcat's `euro_dcat_ap_3` mapping).

Every node a DCAT-AP shape constrains with `sh:class` is typed explicitly (an agent is a
foaf:Agent as well as a foaf:Organization, an access address an rdfs:Resource), so the output
validates against the shapes without RDFS inference, as strict validators run them.
Japanese text is tagged @ja, English @en where we have it.

URIs are stable and answer in a browser: a data set is `<site>/dataset/<id>` and a
distribution `<site>/dataset/<id>/resource/<id>` (both redirect to their pages; names can be
changed, ids cannot), the catalogue `<site>/catalog`.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from jichitai.core.models import Municipality, OrgUnit
from jichitai.opendata.ckan.dictize import resource_url
from jichitai.opendata.dcat.selectors import CatalogPage
from jichitai.opendata.dcat.vocabulary import (
    DCAT,
    DCAT_VERSION,
    DCTERMS,
    DOWNLOADABLE,
    FILE_TYPE,
    FILE_TYPES,
    FOAF,
    FREQUENCY,
    HYDRA,
    IANA_MEDIA_TYPES,
    JAPANESE,
    LOCN,
    RDF,
    RDFS,
    SKOS,
    STANDARD_DATA_SETS_PAGE,
    VCARD,
    XSD,
    media_type,
)
from jichitai.opendata.licences import Licence, licence_by_id
from jichitai.opendata.models import CheckStatus, Dataset, Group, Resource
from jichitai.opendata.standards import standard_by_id

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "hydra": HYDRA,
    "locn": LOCN,
    "rdfs": RDFS,
    "xsd": XSD,
}


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


class CatalogGraph:
    """Builds one document's graph; `base` is the site's address without a trailing slash."""

    def __init__(self, base: str, municipality: Municipality | None) -> None:
        self.base = base
        self.municipality = municipality
        self.graph = new_graph()

    # Addresses ---------------------------------------------------------------------------

    def url(self, path: str, query: dict[str, str] | None = None) -> URIRef:
        return URIRef(self.base + path + (f"?{urlencode(query)}" if query else ""))

    def catalog_uri(self) -> URIRef:
        return self.url(reverse("opendata:dcat_catalog_uri"))

    def dataset_uri(self, dataset: Dataset) -> URIRef:
        return self.url(reverse("opendata:dcat_dataset_uri", kwargs={"dataset_id": dataset.pk}))

    def distribution_uri(self, resource: Resource) -> URIRef:
        return self.url(
            reverse(
                "opendata:dcat_distribution_uri",
                kwargs={"dataset_id": resource.dataset_id, "resource_id": resource.pk},
            )
        )

    # Small helpers -----------------------------------------------------------------------

    def add(self, subject: Node, predicate: URIRef, value: Node) -> None:
        self.graph.add((subject, predicate, value))

    def text(self, subject: Node, predicate: URIRef, ja: str, en: str = "") -> None:
        if ja:
            self.add(subject, predicate, Literal(ja, lang="ja"))
        if en:
            self.add(subject, predicate, Literal(en, lang="en"))

    def typed(self, node: Node, *classes: URIRef) -> Node:
        for rdf_class in classes:
            self.add(node, RDF.type, rdf_class)
        return node

    def document(self, address: str) -> URIRef:
        return self.typed(URIRef(address), FOAF.Document)  # type: ignore[return-value]

    def moment(self, subject: Node, predicate: URIRef, value: dt.datetime | None) -> None:
        if value is not None:
            self.add(subject, predicate, Literal(value, datatype=XSD.dateTime))

    # Agents and places -------------------------------------------------------------------

    def place_names(self) -> tuple[str, str]:
        """The municipality's name with its prefecture, in Japanese and English."""
        municipality = self.municipality
        if municipality is None:
            return "", ""
        english = municipality.name_en
        if english and municipality.prefecture_en:
            english = f"{english}, {municipality.prefecture_en}"
        return f"{municipality.prefecture_ja}{municipality.name_ja}", english

    def municipality_agent(self) -> URIRef:
        agent = self.url(reverse("core:organisation"))
        self.typed(agent, FOAF.Agent, FOAF.Organization)
        name_ja, name_en = self.place_names()
        self.text(agent, FOAF.name, name_ja or "地方公共団体", name_en)
        return agent

    def department_agent(self, unit: OrgUnit) -> URIRef:
        agent = self.url(reverse("opendata:search"), {"organization": unit.code})
        self.typed(agent, FOAF.Agent, FOAF.Organization)
        self.text(agent, FOAF.name, unit.name_ja, unit.name_en)
        return agent

    def location(self, name_ja: str, name_en: str = "") -> BNode:
        place = BNode()
        self.typed(place, DCTERMS.Location)
        self.text(place, SKOS.prefLabel, name_ja, name_en)
        self.text(place, LOCN.geographicName, name_ja, name_en)
        return place

    def language(self) -> URIRef:
        return self.typed(JAPANESE, DCTERMS.LinguisticSystem)  # type: ignore[return-value]

    # Themes ------------------------------------------------------------------------------

    def theme_scheme(self) -> URIRef:
        scheme = URIRef(self.catalog_uri() + "#groups")
        self.typed(scheme, SKOS.ConceptScheme)
        self.text(scheme, DCTERMS.title, "分類", "Categories")
        return scheme

    def theme(self, group: Group) -> URIRef:
        concept = self.url(reverse("opendata:search"), {"groups": group.name})
        self.typed(concept, SKOS.Concept)
        self.text(concept, SKOS.prefLabel, group.title, group.title_en)
        self.add(concept, SKOS.notation, Literal(group.name))
        self.add(concept, SKOS.inScheme, self.theme_scheme())
        return concept

    # The catalogue -----------------------------------------------------------------------

    def add_catalog(
        self, page: CatalogPage, page_url: str, query: dict[str, str] | None = None
    ) -> URIRef:
        """The catalogue node with this page's data sets, and the Hydra paging node."""
        catalog = self.catalog_uri()
        self.typed(catalog, DCAT.Catalog)
        place, place_en = self.place_names()
        self.text(
            catalog,
            DCTERMS.title,
            f"{place}オープンデータカタログ",
            f"{place_en} open data catalogue" if place_en else "Open data catalogue",
        )
        self.text(
            catalog,
            DCTERMS.description,
            f"{place}が公開するオープンデータ（データセットとそのファイル）の目録です。",
            "The open data sets the municipality publishes, with their files.",
        )
        self.add(catalog, DCTERMS.publisher, self.municipality_agent())
        self.add(catalog, FOAF.homepage, self.document(self.base + reverse("opendata:search")))
        self.add(catalog, DCTERMS.language, self.language())
        if place:
            self.add(catalog, DCTERMS.spatial, self.location(place, place_en))
        self.moment(catalog, DCTERMS.modified, page.modified)
        scheme = self.theme_scheme()
        self.add(catalog, DCAT.themeTaxonomy, scheme)
        for group in page.groups:
            self.theme(group)
        for dataset in page.datasets:
            self.add(catalog, DCAT.dataset, self.add_dataset(dataset))
        self.add_paging(page, page_url, query or {})
        return catalog

    def add_paging(self, page: CatalogPage, page_url: str, query: dict[str, str]) -> None:
        """Hydra paging as ckanext-dcat writes it (the older `PagedCollection` with
        `nextPage` … as literals, which its RDF harvester follows) and as the current Hydra
        vocabulary does (`PartialCollectionView` with `next` … as links)."""

        def address(number: int) -> str:
            # The filters asked for (modified_since) stay on every link.
            return f"{page_url}?{urlencode({**query, 'page': str(number)})}"

        view = URIRef(address(page.number))
        self.typed(view, HYDRA.PagedCollection, HYDRA.PartialCollectionView)
        self.add(view, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer))
        self.add(view, HYDRA.itemsPerPage, Literal(page.per_page, datatype=XSD.integer))
        links = {"first": 1, "last": page.last}
        if page.number > 1:
            links["previous"] = page.number - 1
        if page.number < page.last:
            links["next"] = page.number + 1
        for name, number in links.items():
            self.add(view, HYDRA[name], URIRef(address(number)))
            self.add(view, HYDRA[f"{name}Page"], Literal(address(number)))
        self.add(self.catalog_uri(), HYDRA.view, view)

    # A data set --------------------------------------------------------------------------

    def add_dataset(self, dataset: Dataset) -> URIRef:
        """A data set and its distributions; needs owner_org, tags, groups and active
        resources (with their published files) loaded, as selectors do."""
        node = self.dataset_uri(dataset)
        self.typed(node, DCAT.Dataset)
        self.text(node, DCTERMS.title, dataset.title)
        # DCAT-AP requires a description; a data set saved without one gets its title.
        self.text(node, DCTERMS.description, dataset.notes or dataset.title)
        self.add(node, DCTERMS.identifier, Literal(str(dataset.pk)))
        self.add(node, DCTERMS.publisher, self.department_agent(dataset.owner_org))
        self.add(node, DCAT.contactPoint, self.contact_point(dataset))
        landing = reverse("opendata:dataset", kwargs={"name": dataset.name})
        self.add(node, DCAT.landingPage, self.document(self.base + landing))
        if dataset.url:
            self.add(node, FOAF.page, self.document(dataset.url))
        self.moment(node, DCTERMS.issued, dataset.metadata_created)
        self.moment(node, DCTERMS.modified, dataset.metadata_modified)
        self.add(node, DCTERMS.language, self.language())
        for tag in dataset.tags.all():
            self.text(node, DCAT.keyword, tag.name)
        for group in dataset.groups.all():
            self.add(node, DCAT.theme, self.theme(group))
        if dataset.version:
            self.add(node, DCAT_VERSION, Literal(dataset.version))
        if dataset.update_frequency:
            frequency = FREQUENCY[dataset.update_frequency]
            self.add(node, DCTERMS.accrualPeriodicity, self.typed(frequency, DCTERMS.Frequency))
        if dataset.temporal_start or dataset.temporal_end:
            self.add(node, DCTERMS.temporal, self.period(dataset))
        if dataset.spatial:
            self.add(node, DCTERMS.spatial, self.location(dataset.spatial))
        if dataset.conforms_to and not _publishes_a_failing_file(dataset):
            self.add(node, DCTERMS.conformsTo, self.standard(dataset.conforms_to))
        licence = licence_by_id(dataset.license_id)
        for resource in dataset.resources.all():
            self.add(node, DCAT.distribution, self.add_distribution(resource, dataset, licence))
        return node

    def contact_point(self, dataset: Dataset) -> BNode:
        """The named contact (問い合わせ先), else the owning department."""
        contact = BNode()
        self.typed(contact, VCARD.Kind, VCARD.Organization)
        if dataset.maintainer:
            self.text(contact, VCARD.fn, dataset.maintainer)
        else:
            self.text(contact, VCARD.fn, dataset.owner_org.name_ja, dataset.owner_org.name_en)
        if dataset.maintainer_email:
            self.add(contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.maintainer_email}"))
        return contact

    def period(self, dataset: Dataset) -> BNode:
        period = BNode()
        self.typed(period, DCTERMS.PeriodOfTime)
        if dataset.temporal_start:
            self.add(period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date))
        if dataset.temporal_end:
            self.add(period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date))
        return period

    def standard(self, code: str) -> BNode:
        """A 自治体標準オープンデータセット, by the code our standards register knows it by."""
        node = BNode()
        self.typed(node, DCTERMS.Standard)
        known = standard_by_id(code)
        if known is not None:
            self.text(node, DCTERMS.title, known.title, known.title_en)
        else:
            self.text(node, DCTERMS.title, code)
        self.add(node, DCTERMS.identifier, Literal(code))
        self.add(node, RDFS.seeAlso, URIRef(STANDARD_DATA_SETS_PAGE))
        return node

    def licence(self, licence: Licence) -> Node:
        """The licence document: its canonical address where it has one (Creative Commons
        without the language page), else a described node."""
        address = licence.url.removesuffix("deed.ja")
        node: Node = URIRef(address) if address else BNode()
        self.typed(node, DCTERMS.LicenseDocument)
        self.text(node, DCTERMS.title, licence.title, licence.title_en)
        return node

    def add_distribution(
        self, resource: Resource, dataset: Dataset, licence: Licence | None
    ) -> URIRef:
        node = self.distribution_uri(resource)
        self.typed(node, DCAT.Distribution)
        self.text(node, DCTERMS.title, resource.name)
        if resource.description:
            self.text(node, DCTERMS.description, resource.description)
        page = self.base + reverse(
            "opendata:resource", kwargs={"name": dataset.name, "resource_id": resource.pk}
        )
        format_name = resource.format.upper()
        if resource.url_type == "upload":
            # Our own page for the resource; the file itself once one is published.
            self.add(node, DCAT.accessURL, self.typed(URIRef(page), RDFS.Resource))
            if resource.published_file_id is not None:
                download = URIRef(resource_url(resource, self.base))
                self.add(node, DCAT.downloadURL, self.typed(download, RDFS.Resource))
        else:
            link = URIRef(resource.url) if resource.url else URIRef(page)
            self.add(node, DCAT.accessURL, self.typed(link, RDFS.Resource))
            if resource.url and format_name in DOWNLOADABLE:
                self.add(node, DCAT.downloadURL, link)
        if format_name:
            self.add(node, DCTERMS.format, self.file_type(format_name))
        found = media_type(resource.mimetype, format_name)
        if found:
            media = URIRef(IANA_MEDIA_TYPES + found)
            self.add(node, DCAT.mediaType, self.typed(media, DCTERMS.MediaType))
        if resource.size is not None and resource.size >= 0:
            self.add(node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger))
        if licence is not None:
            self.add(node, DCTERMS.license, self.licence(licence))
        self.moment(node, DCTERMS.issued, resource.created)
        self.moment(node, DCTERMS.modified, resource.last_modified or resource.metadata_modified)
        return node

    def file_type(self, format_name: str) -> Node:
        """The EU file-type authority's entry, or a labelled node for a format it lacks."""
        code = FILE_TYPES.get(format_name)
        node: Node = FILE_TYPE[code] if code else BNode()
        self.typed(node, DCTERMS.MediaTypeOrExtent)
        if not code:
            self.add(node, RDFS.label, Literal(format_name))
        return node


def _publishes_a_failing_file(dataset: Dataset) -> bool:
    """A published file fails the standard the data set has declared since (it stays
    published, flagged to staff: selectors.failing_published_files): the catalog must not claim
    a conformance the data does not have. Reads the prefetched resources' published files."""
    return any(
        resource.published_file is not None and resource.published_file.status in _NOT_CONFORMING
        for resource in dataset.resources.all()
    )


# A file that failed its check, or could not be read, does not conform; one held back for
# personal data may (that is another question, and staff are already told of it).
_NOT_CONFORMING = frozenset({CheckStatus.FAILED, CheckStatus.UNREADABLE})


def catalog_graph(
    base: str, page: CatalogPage, page_url: str, query: dict[str, str] | None = None
) -> Graph:
    builder = CatalogGraph(base, page.municipality)
    builder.add_catalog(page, page_url, query)
    return builder.graph


def dataset_graph(base: str, dataset: Dataset) -> Graph:
    builder = CatalogGraph(base, None)
    builder.add_dataset(dataset)
    return builder.graph
