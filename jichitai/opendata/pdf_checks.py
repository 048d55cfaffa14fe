"""Checking a PDF before it is published: a real PDF, not encrypted, nothing that runs.

pypdf reads the document's structure (never renders it). The object graph from the
catalogue is walked — a bounded number of objects, each once — for JavaScript, launch actions
and embedded files, which a reader might run or open on a resident's computer. Each is an
error that blocks publication; the page count is kept for the catalogue.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

from jichitai.opendata.checking import FileCheck, Unreadable
from jichitai.opendata.tabular.report import Issue, Report

MAX_OBJECTS_WALKED = 200_000
# Keys and names that mark something a PDF reader would run or open.
JAVASCRIPT = frozenset({"/JS", "/JavaScript"})
EMBEDDED = frozenset({"/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"})


def check_pdf(raw: bytes) -> FileCheck:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with _quiet():
            reader = PdfReader(io.BytesIO(raw), strict=False)
            issues: list[Issue] = []
            if reader.is_encrypted:
                issues.append(Issue("pdf-encrypted"))
                if not _opens_without_password(reader):
                    return FileCheck("PDF", Report([], 0, issues, len(issues)))
            issues += _active_content(reader.trailer["/Root"])
            pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        # pypdf raises many kinds on a damaged file; the cause is the file.
        raise Unreadable(
            _("PDF として読めません。ファイルが壊れているおそれがあります。")
        ) from None
    if pages == 0:
        issues.append(Issue("pdf-no-pages"))
    check = FileCheck("PDF", Report([], 0, issues, len(issues)))
    check.page_count = pages
    return check


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf reports repairs of damaged files as warnings and log lines; the verdict is ours."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _opens_without_password(reader: Any) -> bool:
    """Many PDFs are "encrypted" only to restrict printing, with an empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported cipher is as closed as a password
        return False


def _active_content(root: Any) -> list[Issue]:
    found: dict[str, Issue] = {}
    for key, value in _walk(root):
        if key in JAVASCRIPT or (key == "/S" and value == "/JavaScript"):
            found.setdefault("js", Issue("pdf-javascript"))
        elif (key == "/S" and value == "/Launch") or key == "/Launch":
            found.setdefault("launch", Issue("pdf-launch"))
        elif key in EMBEDDED or (key == "/Subtype" and value == "/FileAttachment"):
            found.setdefault("embedded", Issue("pdf-embedded-file"))
    return list(found.values())


def _walk(root: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every dictionary reachable from the root, each object once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    walked = 0
    while stack and walked < MAX_OBJECTS_WALKED:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            reference = (item.idnum, item.generation)
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        walked += 1
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                # Parents point back up the page tree: following them only revisits.
                if key == "/Parent":
                    continue
                yield str(key), value
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
