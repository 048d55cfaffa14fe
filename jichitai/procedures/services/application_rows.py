"""Writing a new application's rows: the application, its new attachments and, in one
statement with them, what comes with it.

Every submission writes these, so on PostgreSQL they are hand-written statements (the ORM's
INSERTs cost more to compile than to run) with IDs drawn a block at a time (core.id_blocks);
elsewhere the ORM saves them.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection

from jichitai.core.combined_insert import insert_values, row_insert
from jichitai.core.id_blocks import IdBlocks
from jichitai.core.rows import fetch_inserted
from jichitai.governance import appending
from jichitai.governance.services import record_event
from jichitai.procedures.models import Application, Attachment
from jichitai.procedures.services.notifications import queue_received_in_statement


def write_in_one_statement(
    application: Application, attachments: list[Attachment], audit: dict[str, Any]
) -> None:
    """Write the application, its new attachments, its confirmation mail and its audit entry
    as one statement, which is its own transaction (core.combined_insert): one round trip
    instead of six (BEGIN, four INSERTs, COMMIT). IDs are drawn beforehand: the entry's hash
    covers the application's."""
    (application.pk,) = _APPLICATION_IDS.take(1)
    rows = [row_insert(application, source=appending.HEAD)]
    for attachment in attachments:
        attachment.application = application
        rows.append(row_insert(attachment, source=appending.HEAD))
    mail_rows, after_written = queue_received_in_statement(application, source=appending.HEAD)
    record_event(**audit, target=application, together_with=[*rows, *mail_rows])
    for row in [application, *attachments]:
        row._state.adding, row._state.db = False, connection.alias
    after_written()


_APPLICATION_IDS = IdBlocks(Application)


def number_new_attachments(rows: Any) -> list[Attachment]:
    """Give new attachment rows their IDs, which their answers carry. On PostgreSQL the IDs
    come from the table's sequence, a block at a time, and the rows are returned, to be saved
    with the application in one statement (insert_application), already linked to it;
    elsewhere they are saved here, unlinked, and the application's UPDATE links them."""
    rows = list(rows)
    for row in rows:  # a retried submission draws new IDs
        row.pk, row._state.adding = None, True
    if connection.vendor != "postgresql":
        Attachment.objects.bulk_create(rows)
        return []
    for row, number in zip(rows, _ATTACHMENT_IDS.take(len(rows)), strict=True):
        row.pk = number
    return rows


_ATTACHMENT_IDS = IdBlocks(Attachment)


def insert_application(application: Application, attachments: list[Attachment]) -> None:
    """Save a new application, and on PostgreSQL its new attachments (with their IDs) linked
    to it, in one hand-written statement: every submission makes one, and the ORM's insert
    cost more to compile than to run. Elsewhere the ORM saves it."""
    if connection.vendor != "postgresql":
        application.save(force_insert=True)
        return
    values = insert_values(application, _APPLICATION_FIELDS)
    for attachment in attachments:
        attachment.application = application  # its ID comes from the statement
        values.extend(insert_values(attachment, _ATTACHMENT_FIELDS))
    (application.pk,) = fetch_inserted(_application_statement(len(attachments)), values)
    for row in [application, *attachments]:
        row._state.adding, row._state.db = False, connection.alias
    for attachment in attachments:
        attachment.application_id = application.pk


_APPLICATION_FIELDS = [
    field for field in Application._meta.concrete_fields if not field.primary_key
]
# The application's ID is the statement's; the attachment's own ID is drawn beforehand.
_ATTACHMENT_FIELDS = [
    field for field in Attachment._meta.concrete_fields if field.attname != "application_id"
]


@functools.cache
def _application_statement(attachments: int) -> str:
    name = connection.ops.quote_name

    def columns(fields: list[Any]) -> str:
        return ", ".join(name(field.column) for field in fields)

    def placeholders(fields: list[Any]) -> str:
        return ", ".join(["%s"] * len(fields))

    attachment_table = name(Attachment._meta.db_table)
    parts = [
        f"WITH application AS (INSERT INTO {name(Application._meta.db_table)}"  # noqa: S608  (our names, bound values)
        f" ({columns(_APPLICATION_FIELDS)}) VALUES ({placeholders(_APPLICATION_FIELDS)})"
        f" RETURNING id)"
    ]
    parts.extend(
        f", attachment_{number} AS (INSERT INTO {attachment_table}"  # noqa: S608  (as above)
        f" ({columns(_ATTACHMENT_FIELDS)}, {name('application_id')})"
        f" SELECT {placeholders(_ATTACHMENT_FIELDS)}, application.id FROM application)"
        for number in range(attachments)
    )
    parts.append(" SELECT id FROM application")
    return "".join(parts)
