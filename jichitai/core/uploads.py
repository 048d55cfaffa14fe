"""Upload handling before any form sees the file: a cap on what reaches the disk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Like Django's handler for large uploads, but writes at most
    JICHITAI_UPLOAD_MAX_BYTES of each file to the temporary folder. The rest is read and
    dropped, and the file still reports its full size, so the form refuses it as too large
    with its usual message; a huge upload can no longer fill the disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.JICHITAI_UPLOAD_MAX_BYTES:
            return None  # dropped; file_complete is told the full size by the parser
        return super().receive_data_chunk(raw_data, start)
