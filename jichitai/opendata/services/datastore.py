"""Keeping the datastore (データストア) in step with what a resource publishes.

When a checked table becomes a resource's published file, `load_published_file` (run by a
background task, as large tables take a while) reads the original again through the same
check, types its columns and swaps the loaded table in whole; `Resource.datastore_active`
turns true only then. Deleting a resource or its data set drops its table in the same
transaction. A data set taken back to draft keeps its tables: the visibility rule hides them
from the public, and publishing it again needs no reload.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage

from jichitai.opendata.checking import Unreadable, check_bytes
from jichitai.opendata.datastore.columns import typed_frame
from jichitai.opendata.datastore.loader import drop_resource_table, load_frame
from jichitai.opendata.models import DatastoreTable, Resource, ResourceFile, State

logger = logging.getLogger(__name__)


def enqueue_load(file_id: int) -> None:
    # Imported here: the tasks module imports the services.
    from jichitai.opendata.tasks import load_datastore

    load_datastore.enqueue(file_id=file_id)


def is_table(stored: ResourceFile) -> bool:
    """A file the check read as a table (CSV, or the first sheet of an XLSX)."""
    return bool(stored.published_storage_name)


def load_published_file(file_id: int) -> DatastoreTable | None:
    """Load a resource's published table into the datastore, unless it is no longer the
    published file or is loaded already (a repeated task does nothing)."""
    stored = ResourceFile.objects.select_related("resource").filter(pk=file_id).first()
    if stored is None or not is_table(stored):
        return None
    resource = stored.resource
    if resource.published_file_id != stored.pk or resource.state == State.DELETED:
        return None
    if DatastoreTable.objects.filter(resource=resource, source_file=stored).exists():
        return None
    with default_storage.open(stored.original_storage_name, "rb") as handle:
        raw = handle.read()
    try:
        check = check_bytes(raw, stored.format)
    except Unreadable:
        logger.warning("published file %s could not be read for the datastore", file_id)
        return None
    if check.frame is None or check.schema is None or check.report.error_count:
        return None
    fields, frame = typed_frame(check.report.labels, check.frame, check.schema.fields)
    return load_frame(resource.pk, fields, frame, source_file_id=stored.pk)


def drop_tables_of(resources: Any) -> None:
    """Drop the datastore tables of these resources; call inside the transaction that
    deletes them."""
    for resource_id in resources.filter(datastore_active=True).values_list("pk", flat=True):
        drop_resource_table(resource_id)


def drop_table_of(resource: Resource) -> None:
    drop_tables_of(Resource.objects.filter(pk=resource.pk))
