"""Storing residents' uploaded files (添付書類) under generated names, durably.

A file is written under a new UUID name in MEDIA_ROOT/attachments/, outside the served
folders, and reaches the disk (fsync, and its folder's entry too) before the row that points
at it is saved (see core.durable_storage).
A file stored with no row (a rollback, a crash) is removed by the attachment clean-up
(services.uploads); a row is never saved before its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any, cast

from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

from jichitai.core import durable_storage
from jichitai.procedures.formdoc.answers import UploadCandidate
from jichitai.procedures.models import Application, Attachment

FOLDER = "attachments"


def store_upload(
    owner: Any, upload: UploadCandidate, application: Application | None = None
) -> dict[str, Any]:
    """Store an accepted upload under a generated name and return its answer value."""
    return store_uploads(owner, {"file": upload}, application)["file"]


def store_uploads(
    owner: Any, uploads: Mapping[str, UploadCandidate], application: Application | None = None
) -> dict[str, dict[str, Any]]:
    """Store accepted uploads under generated names, their rows in one INSERT; returns each
    one's answer value under the same key."""
    attachments = write_upload_files(owner, uploads, application)
    Attachment.objects.bulk_create(attachments.values())
    return {key: answer_value(attachment) for key, attachment in attachments.items()}


def write_upload_files(
    owner: Any, uploads: Mapping[str, UploadCandidate], application: Application | None = None
) -> dict[str, Attachment]:
    """Store accepted uploads' files under generated names, on disk for good; returns their
    rows, not saved yet."""
    rows = {key: _stored_file(owner, upload, application) for key, upload in uploads.items()}
    if rows and durable_storage.is_local():
        # The new names are entries of the folder: they reach the disk with it (once for all).
        durable_storage.sync_path(durable_storage.local_path(FOLDER))
    return rows


def answer_value(attachment: Attachment) -> dict[str, Any]:
    """What an answer to a file question holds: the stored file's row and what it was."""
    return {
        "attachment": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def _safe_file_name(name: str) -> str:
    """A display name only (files are stored under generated names): no paths, no controls."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "file"
    return name[-120:]


def _stored_file(
    owner: Any, upload: UploadCandidate, application: Application | None
) -> Attachment:
    storage_name, sha256 = _save_new_file(f"{FOLDER}/{uuid.uuid4().hex}", upload.file)
    return Attachment(
        owner=owner,
        application=application,
        storage_name=storage_name,
        original_name=_safe_file_name(getattr(upload.file, "name", "")),
        content_type=upload.content_type,
        size=upload.size,
        sha256=sha256,
    )


_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _save_new_file(name: str, content: File) -> tuple[str, str]:
    """Store `content` as `name`, synced to disk, and return the name it was stored under and
    its SHA-256.

    The name is generated (a UUID), so it cannot be taken: in the local folder the file is
    created directly with O_EXCL, where FileSystemStorage.save would first look for a free
    name and create the folder. Same folder, same permissions (FILE_UPLOAD_PERMISSIONS). The
    storage does it when the folder does not exist yet, for a file on disk already (a large
    upload: moved, not copied) and for any other storage."""
    digest = hashlib.sha256()
    local = durable_storage.is_local()
    storage = cast(FileSystemStorage, default_storage)
    path = storage.path(name) if local else ""
    descriptor = None
    if local and not hasattr(content, "temporary_file_path"):
        # No folder yet, or (never seen) the name taken: the storage's own way below.
        with contextlib.suppress(FileNotFoundError, FileExistsError):
            descriptor = os.open(path, _NEW_FILE_FLAGS, 0o666)
    if descriptor is None:
        for chunk in content.chunks():
            digest.update(chunk)
        content.seek(0)
        stored_name = default_storage.save(name, content)
        if local:
            durable_storage.sync_path(storage.path(stored_name))
        return stored_name, digest.hexdigest()
    try:
        with os.fdopen(descriptor, "wb") as stored:
            for chunk in content.chunks():
                digest.update(chunk)
                stored.write(chunk)
            stored.flush()
            os.fsync(stored.fileno())
    except BaseException:
        os.unlink(path)
        raise
    if storage.file_permissions_mode is not None:
        os.chmod(path, storage.file_permissions_mode)
    return name, digest.hexdigest()
