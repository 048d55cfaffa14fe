"""Saved files and their folder's new entries reach the disk before save returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile

from jichitai.core import durable_storage


def test_the_file_and_then_its_folder_are_synced(fsynced_paths: list[Path], settings: Any) -> None:
    name = durable_storage.save("opendata/published/table.csv", ContentFile(b"a,b\r\n"))
    path = Path(settings.MEDIA_ROOT) / name
    assert path.read_bytes() == b"a,b\r\n"
    assert fsynced_paths == [path, path.parent]
