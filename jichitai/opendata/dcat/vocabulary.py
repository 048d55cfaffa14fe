"""Namespaces and controlled vocabularies DCAT-AP expects: EU authority tables for file types,
frequencies and languages, IANA media types."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

JAPANESE = LANGUAGE["JPN"]

# New in DCAT 3, so missing from rdflib's closed DCAT namespace.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")

# The Digital Agency's page defining the 自治体標準オープンデータセット.
STANDARD_DATA_SETS_PAGE = (
    "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"
)

# Our format names (CKAN's `format`) → the EU file-type authority table's codes.
FILE_TYPES = {
    "CSV": "CSV",
    "TSV": "TSV",
    "XLSX": "XLSX",
    "XLS": "XLS",
    "ODS": "ODS",
    "JSON": "JSON",
    "GEOJSON": "GEOJSON",
    "XML": "XML",
    "PDF": "PDF",
    "ZIP": "ZIP",
    "HTML": "HTML",
    "TXT": "TXT",
    "KML": "KML",
    "KMZ": "KMZ",
    "SHP": "SHP",
    "DOCX": "DOCX",
    "DOC": "DOC",
    "RDF": "RDF",
    "TTL": "RDF_TURTLE",
    "JSONLD": "JSON_LD",
}

# Media types for formats whose resources carry none of their own.
MEDIA_TYPES = {
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XML": "application/xml",
    "PDF": "application/pdf",
    "ZIP": "application/zip",
    "HTML": "text/html",
    "TXT": "text/plain",
    "KML": "application/vnd.google-earth.kml+xml",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "TTL": "text/turtle",
    "JSONLD": "application/ld+json",
}

# Formats a link resource is a file of (so its address is also a download address); an
# HTML page or an API is only an access address.
DOWNLOADABLE = frozenset(FILE_TYPES) - {"HTML"}

_MEDIA_TYPE = re.compile(r"\A[a-z]+/[a-z0-9][a-z0-9.+-]*\Z")


def media_type(mimetype: str, format_name: str) -> str | None:
    """The IANA media type: the resource's own when well formed, else its format's."""
    value = mimetype.split(";")[0].strip().lower()
    if _MEDIA_TYPE.match(value):
        return value
    return MEDIA_TYPES.get(format_name.upper())


__all__ = [
    "DCAT",
    "DCTERMS",
    "FOAF",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]
