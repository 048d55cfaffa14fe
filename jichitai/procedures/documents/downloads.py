"""HTTP responses that hand a document to the browser as a download, never to display.

Uploaded files are served with the content type their bytes were recognised as, `nosniff`,
and `attachment`, so a hostile file can never run as a page on our origin. The file name is
given twice (RFC 6266): an ASCII one for old clients and the real, often Japanese, one as
`filename*`.
"""

from __future__ import annotations

from typing import TypeVar, cast
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBase

from jichitai.procedures.models import Attachment

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
}


def content_disposition(ascii_name: str, real_name: str = "") -> str:
    """`attachment; filename="..."; filename*=UTF-8''...` with both names made safe."""
    fallback = "".join(ch for ch in ascii_name if ch.isascii() and (ch.isalnum() or ch in "-_."))
    header = f'attachment; filename="{fallback or "download"}"'
    if real_name and real_name != fallback:
        header += f"; filename*=UTF-8''{quote(real_name, safe='')}"
    return header


def _harden(response: ResponseT) -> ResponseT:
    response["X-Content-Type-Options"] = "nosniff"
    # Personal data: no shared cache keeps a copy, the browser keeps none after the session.
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename)
    return _harden(response)


def attachment_download(attachment: Attachment) -> HttpResponse:
    """The stored file, under the name the resident gave it (without path or controls)."""
    extension = EXTENSIONS.get(attachment.content_type, "bin")
    response = FileResponse(
        default_storage.open(attachment.storage_name, "rb"),
        content_type=attachment.content_type,
    )
    response["Content-Disposition"] = content_disposition(
        f"attachment-{attachment.pk}.{extension}", attachment.original_name
    )
    # Streamed rather than read into memory; the views' decorators are typed for HttpResponse.
    return cast(HttpResponse, _harden(response))
