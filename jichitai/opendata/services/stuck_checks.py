"""Starting again the checks of uploaded files that never finished.

A check runs in the task worker; if the worker is killed mid-check (a deploy, the machine
running out of memory), the file would stay "checking" for ever and staff could never
publish it. A check running longer than JICHITAI_OPENDATA_CHECK_TIMEOUT_SECONDS, or a file
queued that long without a check starting (its task lost), is queued again — at most
JICHITAI_OPENDATA_CHECK_ATTEMPTS times; after that the file is marked unreadable with a
reason, since a file that kills the worker every time will not pass on the next try.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.opendata.models import CheckStatus, ResourceFile


@dataclass(frozen=True)
class Sweep:
    requeued: int
    given_up: int


def recheck_stuck_files(now: dt.datetime | None = None) -> Sweep:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JICHITAI_OPENDATA_CHECK_TIMEOUT_SECONDS)
    stuck = (
        ResourceFile.objects.filter(
            Q(status=CheckStatus.CHECKING, check_started_at__lt=cutoff)
            | (
                Q(status=CheckStatus.QUEUED, uploaded_at__lt=cutoff)
                & (Q(check_started_at__isnull=True) | Q(check_started_at__lt=cutoff))
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued = given_up = 0
    for file_id in list(stuck[:500]):
        if _recheck(file_id, cutoff):
            requeued += 1
        else:
            given_up += 1
    return Sweep(requeued, given_up)


def _recheck(file_id: int, cutoff: dt.datetime) -> bool:
    """Queue one stuck file again, or give up on it; False when given up."""
    from jichitai.opendata.services.uploads import enqueue_check, remove_unnamed_outputs

    with transaction.atomic():
        stored = ResourceFile.objects.select_for_update().get(pk=file_id)
        if stored.check_attempts >= settings.JICHITAI_OPENDATA_CHECK_ATTEMPTS:
            stored.status = CheckStatus.UNREADABLE
            stored.progress = 100
            stored.checked_at = timezone.now()
            stored.message = _(
                "確認が %(count)s 回とも途中で止まりました。ファイルが大きすぎるか、"
                "壊れている可能性があります。"
            ) % {"count": stored.check_attempts}
            stored.save(update_fields=["status", "progress", "checked_at", "message"])
            # What the dead attempts may have written is nobody's now (a started-again check
            # that finishes clears it the same way).
            keep = {stored.report_storage_name, stored.published_storage_name}
            transaction.on_commit(lambda: remove_unnamed_outputs(file_id, keep))
            return False
        stored.status = CheckStatus.QUEUED
        stored.progress = 0
        # Marks the time of queueing again, so the file is not taken for stuck at once.
        stored.check_started_at = timezone.now()
        stored.save(update_fields=["status", "progress", "check_started_at"])
        transaction.on_commit(lambda: enqueue_check(file_id))
    return True
