"""What an uploaded file is, judged by its first bytes, never by its name.

Tables (CSV and Excel's XLSX), PDFs and JSON/GeoJSON are accepted. HTML, SVG and other XML
are refused (a browser would run them), and so are archives other than zip. A zip is taken
for an XLSX here; the check (`tabular.xlsx.inspect_zip`) refuses one that is not a workbook
or that would be dangerous to open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError

SNIFF_BYTES = 4096
MARKUP = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
ZIP = b"PK\x03\x04"
ARCHIVES = (b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), Word (.doc) …
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sniffed:
    format: str  # CKAN's upper-case format: CSV, PDF, JSON, GEOJSON
    media_type: str


def sniff(head: bytes) -> Sniffed:
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if head.startswith(b"%PDF-"):
        return Sniffed("PDF", "application/pdf")
    if head.startswith(ZIP):
        return Sniffed("XLSX", XLSX_TYPE)
    if head.startswith(OLE2):
        raise DomainError(
            "opendata.legacy_office_refused",
            _(
                "古い Excel 形式（.xls）などの Office ファイルは読めません。"
                "Excel で XLSX か CSV の形式で保存し直してください。"
            ),
            field="file",
        )
    if head.startswith(ARCHIVES):
        raise DomainError(
            "opendata.archive_refused",
            _(
                "圧縮ファイルは受け付けていません。中のファイルを取り出してアップロードしてください。"
            ),
            field="file",
        )
    if stripped.startswith(MARKUP) or b"<svg" in stripped[:512] or b"<html" in stripped[:512]:
        raise DomainError(
            "opendata.markup_refused",
            _("HTML、SVG、XML のファイルは公開できません。"),
            field="file",
        )
    if stripped[:1] in {b"{", b"["}:
        if b'"featurecollection"' in stripped.replace(b" ", b"") or b'"feature"' in stripped:
            return Sniffed("GEOJSON", "application/geo+json")
        return Sniffed("JSON", "application/json")
    if not head:
        raise DomainError("opendata.empty_file", _("ファイルが空です。"), field="file")
    return Sniffed("CSV", "text/csv")
