"""Uploading a resource's file, checking it in the background, and publishing it.

`receive_upload` stores the original and queues the check; `check_file` (run by the task)
decodes, finds the header, recognises a standard data set (the one the data set declares in
`conforms_to`, whose required columns must then be there), validates against its Table
Schema, runs the Japanese checks and the personal-data scan, and writes the UTF-8-with-BOM
copy to publish; `clear_personal_data` and `publish_file` are the staff's decisions.
Nothing is published half-way: a resource's public file changes only in `publish_file`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core import durable_storage, spreadsheet_csv
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event
from jichitai.opendata import full_report, policies
from jichitai.opendata.checking import (
    ISSUES_KEPT,
    TABLE_FORMATS,
    FileCheck,
    Unreadable,
    check_bytes,
)
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import CheckStatus, Dataset, Resource, ResourceFile, State
from jichitai.opendata.services.catalogue import touch
from jichitai.opendata.services.datastore import drop_table_of, enqueue_load, is_table
from jichitai.opendata.sniffing import SNIFF_BYTES, sniff
from jichitai.opendata.standards import standard_named
from jichitai.opendata.tabular.report import Issue

logger = logging.getLogger(__name__)


def upload_limit_mb() -> str:
    """The largest file staff may upload, in MB (10^6 bytes, as file managers count): 200."""
    return f"{settings.JICHITAI_OPENDATA_MAX_UPLOAD_BYTES / 1_000_000:g}"


def too_large_message() -> str:
    return _("ファイルが大きすぎます（上限 %(limit)s MB）。") % {"limit": upload_limit_mb()}


def receive_upload(
    user: Any, resource: Resource, upload: UploadedFile, *, publish_when_checked: bool = False
) -> ResourceFile:
    """Store an uploaded file for a resource and queue its check. With `publish_when_checked`
    (the CKAN API) the file is published by itself once its check passes."""
    if not policies.can_edit_dataset(user, resource.dataset):
        raise DomainError("opendata.forbidden", _("このデータセットを編集する権限がありません。"))
    if upload.size is None or upload.size > settings.JICHITAI_OPENDATA_MAX_UPLOAD_BYTES:
        raise DomainError("opendata.too_large", too_large_message(), field="file")
    upload.seek(0)
    sniffed = sniff(upload.read(SNIFF_BYTES))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        storage_name = durable_storage.save(f"opendata/originals/{uuid.uuid4().hex}", upload)
        stored = ResourceFile.objects.create(
            resource=resource,
            original_name=(upload.name or "upload")[:255],
            original_storage_name=storage_name,
            size=upload.size,
            sha256=digest.hexdigest(),
            media_type=sniffed.media_type,
            format=sniffed.format,
            uploaded_by=user,
            publish_when_checked=publish_when_checked,
        )
        record_event(
            "opendata.file.upload",
            actor=user,
            target=stored,
            detail={"format": sniffed.format, "size": upload.size},
        )
        file_id = stored.pk
        transaction.on_commit(lambda: enqueue_check(file_id))
    return stored


def enqueue_check(file_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from jichitai.opendata.tasks import check_resource_file

    check_resource_file.enqueue(file_id=file_id)


def recheck_files_of(dataset: Dataset) -> list[int]:
    """Check again, against the standard the data set now declares (conforms_to), the tables
    of its active resources that matter — each one's published file and latest upload — so
    their reports and whether they may be published follow the new standard. They go through
    the queue and task an upload does; a check already running is superseded (its result
    discarded, as for a check taken for stuck), one still queued reads the new standard when
    it starts. A published file stays published whatever the new verdict, so residents are
    not cut off without staff deciding: one that now fails is flagged to staff on the data
    set's page and the staff list (selectors.failing_published_files), who replace it,
    change the standard back or withdraw the data set. Call in the transaction that changes
    conforms_to; returns the files queued."""
    wanted: set[int] = set()
    for resource in dataset.resources.filter(state=State.ACTIVE):
        latest = resource.files.order_by("-uploaded_at", "-pk").values_list("pk", flat=True)
        wanted.update(pk for pk in (resource.published_file_id, latest.first()) if pk)
    queued = []
    now = timezone.now()
    files = ResourceFile.objects.select_for_update().filter(pk__in=wanted, format__in=TABLE_FORMATS)
    for stored in files.order_by("pk"):
        if stored.status in {CheckStatus.QUEUED, CheckStatus.UNREADABLE}:
            continue  # not started yet, or not readable whatever the standard
        changes: dict[str, Any] = {"status": CheckStatus.QUEUED, "progress": 0}
        # Marks the time of queueing, so the file is not taken for stuck at once.
        changes["check_started_at"] = now
        if stored.status != CheckStatus.CHECKING:
            # A finished check: this one starts afresh. A running one keeps its count, which
            # tells it, when it finishes, that a newer check has the last word.
            changes["check_attempts"] = 0
        ResourceFile.objects.filter(pk=stored.pk).update(**changes)
        queued.append(stored.pk)
        transaction.on_commit(functools.partial(enqueue_check, stored.pk))
    return queued


def _progress(stored: ResourceFile, percent: int) -> None:
    """Record how far the check is (a write per change, so staff's page can follow it)."""
    if percent != stored.progress:
        stored.progress = percent
        ResourceFile.objects.filter(pk=stored.pk).update(progress=percent)


def check_file(file_id: int) -> ResourceFile:
    """Check one uploaded file, once: a file already claimed by a check is left alone, so a
    retried or duplicated task never checks (and publishes a copy of) a file twice."""
    claimed = ResourceFile.objects.filter(pk=file_id, status=CheckStatus.QUEUED).update(
        status=CheckStatus.CHECKING,
        progress=5,
        check_started_at=timezone.now(),
        check_attempts=F("check_attempts") + 1,
    )
    stored = ResourceFile.objects.select_related("resource__dataset").get(pk=file_id)
    if not claimed:
        return stored
    with default_storage.open(stored.original_storage_name, "rb") as handle:
        raw = handle.read()
    # A data set that declares a standard (conforms_to, published as dct:conformsTo) has its
    # tables checked against it; an unknown code checks nothing more than a plain file.
    standard = standard_named(stored.resource.dataset.conforms_to)
    try:
        check = check_bytes(
            raw, stored.format, standard=standard, progress=lambda p: _progress(stored, p)
        )
    except Unreadable as error:
        return _finish(stored, status=CheckStatus.UNREADABLE, message=str(error))
    except Exception:  # a file that breaks a check must not stay "checking" for ever
        logger.exception("checking resource file %s failed", file_id)
        return _finish(
            stored,
            status=CheckStatus.UNREADABLE,
            message=_("確認の途中でエラーが起きました。ファイルの形式を確かめてください。"),
        )
    return _publish_if_requested(_record(stored, check))


def _record(stored: ResourceFile, check: FileCheck) -> ResourceFile:
    """Keep what the check found; write the CSV to publish when a table has no errors."""
    report = check.report
    if check.format == "GEOJSON" and stored.format == "JSON":
        stored.format, stored.media_type = "GEOJSON", "application/geo+json"
    stored.encoding, stored.had_bom = check.encoding, check.bom
    stored.labels = report.labels
    stored.standard_id = check.match.standard.id if check.match else ""
    stored.layout = check.match.layout.name if check.match else ""
    stored.row_count = report.row_count if check.format != "PDF" else None
    stored.page_count = check.page_count
    stored.error_count = report.error_count
    stored.issues = [_issue_dict(issue) for issue in report.issues[:ISSUES_KEPT]]
    stored.warnings = [_issue_dict(issue) for issue in check.warnings[:ISSUES_KEPT]]
    # Checked again (its data set's standard changed): nothing of the last report is kept.
    stored.report_storage_name, stored.report_rows = "", []
    if report.issues or check.warnings:
        stored.report_storage_name = full_report.write_report(
            report.issues, check.warnings, folder=report_folder(stored.pk)
        )
    if check.frame is not None:
        kept = [*report.issues[:ISSUES_KEPT], *check.warnings[:ISSUES_KEPT]]
        stored.report_rows = full_report.rows_with_issues(check.frame, kept)
    stored.warning_count = check.warning_count
    stored.personal_data = [{**asdict(f), "message": f.message} for f in check.findings]
    if report.error_count:
        return _finish(stored, status=CheckStatus.FAILED)
    if check.rows is not None and not stored.published_storage_name:
        # Checked again, a file keeps the copy it has: the same original makes the same rows,
        # and a copy already published must not change under its resource's size.
        stored.published_storage_name = _write_published_csv(
            report.labels, check.rows, check.numeric_columns, folder=published_folder(stored.pk)
        )
    if check.findings:
        return _finish(stored, status=CheckStatus.BLOCKED)
    return _finish(stored, status=CheckStatus.WARNINGS if check.warnings else CheckStatus.PASSED)


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {**asdict(issue), "message": issue.message}


def _write_published_csv(
    labels: list[str], rows: list[tuple[Any, ...]], numeric_columns: frozenset[int], *, folder: str
) -> str:
    """UTF-8 with a BOM and CRLF line ends: what Excel on Windows opens correctly. Cells a
    spreadsheet would run as formulas are defused (numbers in numeric columns kept)."""
    content, _replaced = spreadsheet_csv.write(
        labels, rows, "utf-8", numeric_columns=numeric_columns
    )
    return durable_storage.save(f"{folder}/{uuid.uuid4().hex}.csv", ContentFile(content))


def _stars(stored: ResourceFile) -> int:
    """Tim Berners-Lee's five stars, as far as a file shows them: an open licence (★),
    structured (★★), in an open format (★★★). URIs and links (★★★★★) need RDF we do not
    yet publish per resource."""
    licence = licence_by_id(stored.resource.dataset.license_id)
    if licence is None or not licence.is_open:
        return 0
    # An XLSX is published as CSV, an open format: three stars.
    return {"PDF": 1, "CSV": 3, "XLSX": 3, "JSON": 3, "GEOJSON": 3}.get(stored.format, 1)


def _finish(stored: ResourceFile, *, status: str, message: str = "") -> ResourceFile:
    stored.status = status
    stored.message = message
    stored.progress = 100
    readable = status not in {CheckStatus.UNREADABLE, CheckStatus.FAILED}
    stored.stars = _stars(stored) if readable else None
    stored.checked_at = timezone.now()
    with transaction.atomic():
        current = ResourceFile.objects.select_for_update().get(pk=stored.pk)
        if (
            current.check_attempts != stored.check_attempts
            or current.status != CheckStatus.CHECKING
        ):
            # Taken for stuck and started again meanwhile: the newer check has the last word,
            # and what this one wrote is nobody's.
            kept = {current.report_storage_name, current.published_storage_name}
            written = {stored.report_storage_name, stored.published_storage_name} - kept
            transaction.on_commit(functools.partial(_remove_files, sorted(written)))
            return current
        stored.save()
        removal = functools.partial(
            remove_unnamed_outputs,
            stored.pk,
            {stored.report_storage_name, stored.published_storage_name},
            replaced=current.report_storage_name,
        )
        transaction.on_commit(removal)
    return stored


def report_folder(file_id: int) -> str:
    """A file's full reports and its published copies live in folders of its own, so the
    check that has the last word can remove what earlier ones left: a check started again
    (stuck, or the standard changed) or a worker killed after writing but before recording."""
    return f"opendata/reports/{file_id}"


def published_folder(file_id: int) -> str:
    """See report_folder. Copies published before these folders stay where they are."""
    return f"opendata/published/{file_id}"


def remove_unnamed_outputs(file_id: int, keep: set[str], *, replaced: str = "") -> None:
    """Remove the file's reports and published copies other than `keep` (those its row
    names), and `replaced`, the report it named before (perhaps outside its folder)."""
    unkept = {replaced}
    for folder in (report_folder(file_id), published_folder(file_id)):
        try:
            _, names = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            names = []
        unkept |= {f"{folder}/{name}" for name in names}
    _remove_files(sorted(unkept - keep))


def _remove_files(names: list[str]) -> None:
    """Best effort: a file left behind is only wasted space, never a reason to fail a check."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name, exc_info=True)


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
    return _make_public(stored, actor=user)


def _make_public(stored: ResourceFile, *, actor: Any) -> Resource:
    now = timezone.now()
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=stored.resource_id)
        locked.published_file = stored
        locked.url_type = "upload"
        locked.url = ""
        locked.format = stored.published_format
        locked.mimetype = "text/csv" if stored.published_format == "CSV" else stored.media_type
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
        record_event("opendata.file.publish", actor=actor, target=stored)
        if is_table(stored):
            # The datastore follows in the background; the old table serves until then.
            file_id = stored.pk
            transaction.on_commit(lambda: enqueue_load(file_id))
        else:
            # A table replaced by a file that is not one (a PDF): its rows are gone too.
            drop_table_of(locked)
    return locked


def _publish_if_requested(stored: ResourceFile) -> ResourceFile:
    """The API's rule (ADR 0009): a file sent with the request to publish goes out when its
    check passes (warnings allowed; errors or personal data never) and its data set is public.
    The uploader is recorded as having published it."""
    resource = stored.resource
    if (
        stored.publish_when_checked
        and stored.publishable
        and resource.published_file_id != stored.pk  # checked again while published
        and resource.state == State.ACTIVE
        and resource.dataset.state == State.ACTIVE
    ):
        _make_public(stored, actor=stored.uploaded_by)
    return stored


def publish_requested_files(dataset: Dataset, *, actor: Any) -> None:
    """When a data set is published, the files sent to it through the API go out with it:
    each resource's latest file, if it asked to be published and passed its check."""
    for resource in dataset.resources.filter(state=State.ACTIVE):
        latest = resource.files.order_by("-uploaded_at", "-pk").first()
        if (
            latest is not None
            and latest.publish_when_checked
            and latest.publishable
            and resource.published_file_id != latest.pk
        ):
            _make_public(latest, actor=actor)
