"""Uploading a resource's file, checking it in the background, and publishing it.

`receive_upload` stores the original and queues the check; `check_file` (run by the task)
decodes, finds the header, recognises a standard data set, validates against its Table
Schema, runs the Japanese checks and the personal-data scan, and writes the UTF-8-with-BOM
copy to publish; `clear_personal_data` and `publish_file` are the staff's decisions.
Nothing is published half-way: a resource's public file changes only in `publish_file`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event
from jichitai.opendata import policies
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import CheckStatus, Resource, ResourceFile
from jichitai.opendata.services.catalogue import touch
from jichitai.opendata.sniffing import SNIFF_BYTES, sniff
from jichitai.opendata.standards import StandardMatch, match_standard
from jichitai.opendata.tabular import japanese_checks
from jichitai.opendata.tabular.encoding import EncodingError, decode_table
from jichitai.opendata.tabular.headers import find_header_row, normalise_label
from jichitai.opendata.tabular.personal_data import find_personal_data
from jichitai.opendata.tabular.report import Issue
from jichitai.opendata.tabular.table_schema import SchemaError, TableSchema
from jichitai.opendata.tabular.validator import table_from_rows, validate_table

ISSUES_KEPT = 1000


def receive_upload(user: Any, resource: Resource, upload: UploadedFile) -> ResourceFile:
    """Store an uploaded file for a resource and queue its check."""
    if not policies.can_edit_dataset(user, resource.dataset):
        raise DomainError("opendata.forbidden", _("このデータセットを編集する権限がありません。"))
    limit = settings.JICHITAI_OPENDATA_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(
            "opendata.too_large",
            _("ファイルが大きすぎます（上限 %(limit)s MB）。") % {"limit": limit // 1_000_000},
            field="file",
        )
    upload.seek(0)
    sniffed = sniff(upload.read(SNIFF_BYTES))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        storage_name = default_storage.save(f"opendata/originals/{uuid.uuid4().hex}", upload)
        stored = ResourceFile.objects.create(
            resource=resource,
            original_name=(upload.name or "upload")[:255],
            original_storage_name=storage_name,
            size=upload.size,
            sha256=digest.hexdigest(),
            media_type=sniffed.media_type,
            format=sniffed.format,
            uploaded_by=user,
        )
        record_event(
            "opendata.file.upload",
            actor=user,
            target=stored,
            detail={"format": sniffed.format, "size": upload.size},
        )
        file_id = stored.pk
        transaction.on_commit(lambda: _enqueue_check(file_id))
    return stored


def _enqueue_check(file_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from jichitai.opendata.tasks import check_resource_file

    check_resource_file.enqueue(file_id=file_id)


def _progress(stored: ResourceFile, percent: int) -> None:
    ResourceFile.objects.filter(pk=stored.pk).update(progress=percent)


def check_file(file_id: int) -> ResourceFile:
    """Check one uploaded file, once: a file already claimed by a check is left alone, so a
    retried or duplicated task never checks (and publishes a copy of) a file twice."""
    claimed = ResourceFile.objects.filter(pk=file_id, status=CheckStatus.QUEUED).update(
        status=CheckStatus.CHECKING, progress=5
    )
    stored = ResourceFile.objects.select_related("resource__dataset").get(pk=file_id)
    if not claimed:
        return stored
    if stored.format != "CSV":
        return _finish(stored, status=CheckStatus.PASSED)
    with default_storage.open(stored.original_storage_name, "rb") as handle:
        raw = handle.read()
    try:
        decoded = decode_table(raw)
    except EncodingError as error:
        return _finish(stored, status=CheckStatus.UNREADABLE, message=str(error))
    stored.encoding, stored.had_bom = decoded.encoding, decoded.bom
    _progress(stored, 20)
    try:
        rows = list(csv.reader(io.StringIO(decoded.text, newline="")))
    except csv.Error as error:
        return _finish(stored, status=CheckStatus.UNREADABLE, message=str(error))
    if not rows:
        return _finish(stored, status=CheckStatus.UNREADABLE, message=_("表が空です。"))
    match = match_standard([label.strip() for label in rows[find_header_row(rows)]])
    header = find_header_row(rows, match.layout.labels if match else ())
    labels = [label.strip() for label in rows[header]]
    _progress(stored, 40)
    return _check_table(stored, labels, rows[header + 1 :], match)


def schema_for(labels: list[str], match: StandardMatch | None) -> TableSchema:
    """The file's columns with the rules of the matched standard's columns of the same name
    (whatever their order); columns the standard lacks, and every column when no standard
    matched, are plain text."""
    by_name = {normalise_label(f["name"]): f for f in match.layout.fields} if match else {}
    fields = []
    for number, label in enumerate(labels, 1):
        name = label or f"列{number}"
        rule = by_name.get(normalise_label(label))
        fields.append({**rule, "name": name} if rule else {"name": name, "type": "string"})
    descriptor: dict[str, Any] = {"fields": fields}
    if match and match.layout.primary_key and set(match.layout.primary_key) <= set(labels):
        descriptor["primaryKey"] = match.layout.primary_key
    try:
        return TableSchema.from_descriptor(descriptor)
    except SchemaError:
        # Duplicate labels: check the shape and the Japanese rules only.
        return TableSchema.from_descriptor(
            {"fields": [{"name": f"列{n}"} for n in range(1, len(labels) + 1)]}
        )


def _check_table(
    stored: ResourceFile, labels: list[str], data: list[list[str]], match: StandardMatch | None
) -> ResourceFile:
    schema = schema_for(labels, match)
    table = table_from_rows(data, len(schema.fields))
    repairs = japanese_checks.repair_municipality_codes(table.frame, labels)
    report = validate_table(labels, table, schema, limit_errors=ISSUES_KEPT)
    _progress(stored, 70)
    date_columns = [n for n, field in enumerate(schema.fields) if field.type == "date"]
    warnings: list[Issue] = [
        *japanese_checks.repair_issues(repairs, labels),
        *japanese_checks.swapped_coordinates(table.frame, labels),
        *japanese_checks.excel_serial_dates(table.frame, labels, date_columns),
        *japanese_checks.formula_cells(table.frame, labels),
    ]
    public = frozenset(match.layout.labels) if match else frozenset()
    findings = find_personal_data(table.frame, labels, public_columns=public)
    _progress(stored, 85)
    stored.labels = labels
    stored.standard_id = match.standard.id if match else ""
    stored.layout = match.layout.name if match else ""
    stored.row_count = report.row_count
    stored.error_count = report.error_count
    stored.issues = [_issue_dict(issue) for issue in report.issues]
    stored.warnings = [_issue_dict(issue) for issue in warnings[:ISSUES_KEPT]]
    stored.warning_count = len(warnings)
    stored.personal_data = [{**asdict(f), "message": f.message} for f in findings]
    if report.error_count:
        return _finish(stored, status=CheckStatus.FAILED)
    stored.published_storage_name = _write_published_csv(labels, table.frame.rows())
    if findings:
        return _finish(stored, status=CheckStatus.BLOCKED)
    return _finish(stored, status=CheckStatus.WARNINGS if warnings else CheckStatus.PASSED)


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {**asdict(issue), "message": issue.message}


def _write_published_csv(labels: list[str], rows: list[tuple[Any, ...]]) -> str:
    """UTF-8 with a BOM and CRLF line ends: what Excel on Windows opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(labels)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    content = ContentFile(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return default_storage.save(f"opendata/published/{uuid.uuid4().hex}.csv", content)


def _stars(stored: ResourceFile) -> int:
    """Tim Berners-Lee's five stars, as far as a file shows them: an open licence (★),
    structured (★★), in an open format (★★★). URIs and links (★★★★★) need RDF we do not
    yet publish per resource."""
    licence = licence_by_id(stored.resource.dataset.license_id)
    if licence is None or not licence.is_open:
        return 0
    return {"PDF": 1, "CSV": 3, "JSON": 3, "GEOJSON": 3}.get(stored.format, 1)


def _finish(stored: ResourceFile, *, status: str, message: str = "") -> ResourceFile:
    stored.status = status
    stored.message = message
    stored.progress = 100
    readable = status not in {CheckStatus.UNREADABLE, CheckStatus.FAILED}
    stored.stars = _stars(stored) if readable else None
    stored.checked_at = timezone.now()
    stored.save()
    return stored


def clear_personal_data(user: Any, stored: ResourceFile, reason: str) -> ResourceFile:
    """Record that a person with the right role checked the flagged columns and found them
    fit to publish (e.g. a facility's public telephone number)."""
    dataset = stored.resource.dataset
    if not policies.can_clear_personal_data(user, dataset):
        raise DomainError(
            "opendata.clearance_forbidden",
            _("個人情報の確認を解除できるのは承認者または所属管理者です。"),
        )
    if stored.status != CheckStatus.BLOCKED:
        raise DomainError(
            "opendata.nothing_to_clear", _("このファイルに確認が必要な列はありません。")
        )
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError(
            "opendata.reason_required",
            _("公開してよいと判断した理由を10文字以上で書いてください。"),
            field="reason",
        )
    with transaction.atomic():
        locked = ResourceFile.objects.select_for_update().get(pk=stored.pk)
        locked.personal_data_cleared_by = user
        locked.personal_data_cleared_at = timezone.now()
        locked.personal_data_clearance_reason = reason
        locked.save(
            update_fields=[
                "personal_data_cleared_by",
                "personal_data_cleared_at",
                "personal_data_clearance_reason",
            ]
        )
        record_event(
            "opendata.personal_data.clear",
            actor=user,
            target=locked,
            detail={"columns": [finding["label"] for finding in locked.personal_data]},
        )
    return locked


def publish_file(user: Any, stored: ResourceFile) -> Resource:
    """Make a checked file the one its resource offers for download."""
    resource = stored.resource
    if not policies.can_edit_dataset(user, resource.dataset):
        raise DomainError("opendata.forbidden", _("このデータセットを編集する権限がありません。"))
    if not stored.publishable:
        raise DomainError(
            "opendata.not_publishable",
            _("確認が終わっていないか、エラーや未確認の個人情報があるため公開できません。"),
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        locked.published_file = stored
        locked.url_type = "upload"
        locked.url = ""
        locked.format = stored.format
        locked.mimetype = "text/csv" if stored.format == "CSV" else stored.media_type
        locked.size = (
            default_storage.size(stored.published_storage_name)
            if stored.published_storage_name
            else stored.size
        )
        locked.hash = f"sha256:{stored.sha256}"
        locked.last_modified = now
        locked.metadata_modified = now
        locked.save()
        touch(locked.dataset)
        record_event("opendata.file.publish", actor=user, target=stored)
    return locked
