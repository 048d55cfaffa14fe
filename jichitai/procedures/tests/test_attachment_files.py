"""Uploaded files reach the disk before the row that names them is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from jichitai.procedures.formdoc.answers import UploadCandidate
from jichitai.procedures.models import Attachment
from jichitai.procedures.services import attachment_files

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 2000


@pytest.mark.parametrize("folder_exists", [True, False])
def test_files_and_their_folder_are_synced_before_any_row(
    fsynced_paths: list[Path], settings: Any, make_user: Any, folder_exists: bool
) -> None:
    """A power cut after the commit must not leave a row naming a file that never reached the
    disk: each file is synced, then the folder holding the new names (once for all of them).
    Without the folder the storage makes it (FileSystemStorage.save); synced all the same."""
    folder = Path(settings.MEDIA_ROOT) / attachment_files.FOLDER
    if folder_exists:
        folder.mkdir(parents=True)
    uploads = {
        key: UploadCandidate(SimpleUploadedFile(f"{key}.pdf", PDF), "application/pdf", len(PDF))
        for key in ("first", "second")
    }
    rows = attachment_files.write_upload_files(make_user(), uploads)
    stored = [folder / Path(row.storage_name).name for row in rows.values()]
    assert all(path.read_bytes() == PDF for path in stored)
    assert fsynced_paths == [*stored, folder]
    assert not Attachment.objects.exists()  # rows are the caller's to save


def test_a_large_upload_on_disk_already_is_synced_where_it_lands(
    fsynced_paths: list[Path], settings: Any, make_user: Any
) -> None:
    (Path(settings.MEDIA_ROOT) / attachment_files.FOLDER).mkdir(parents=True)
    large = TemporaryUploadedFile("scan.pdf", "application/pdf", len(PDF), None)
    large.write(PDF)
    large.seek(0)
    answer = attachment_files.store_upload(
        make_user(), UploadCandidate(large, "application/pdf", len(PDF))
    )
    large.close()  # moved into the folder: closing finds nothing left to remove
    row = Attachment.objects.get(pk=answer["attachment"])
    landed = Path(settings.MEDIA_ROOT) / row.storage_name
    assert landed.read_bytes() == PDF
    assert fsynced_paths == [landed, landed.parent]
