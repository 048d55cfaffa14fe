"""What an uploaded file is, judged by its first bytes, never by its name.

Tables (CSV), PDFs and JSON/GeoJSON are accepted. HTML, SVG and other XML are refused
(a browser would run them), and so are archives — including XLSX, which is a zip archive and
can hide a decompression bomb — until the spreadsheet reader with its size guards lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError

SNIFF_BYTES = 4096
MARKUP = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")


@dataclass(frozen=True)
class Sniffed:
    format: str  # CKAN's upper-case format: CSV, PDF, JSON, GEOJSON
    media_type: str


def sniff(head: bytes) -> Sniffed:
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if head.startswith(b"%PDF-"):
        return Sniffed("PDF", "application/pdf")
    if head.startswith(ARCHIVES):
        raise DomainError(
            "opendata.archive_refused",
            _(
                "圧縮ファイルや Excel 形式（XLSX）はまだ受け付けていません。"
                "CSV で保存してアップロードしてください。"
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
