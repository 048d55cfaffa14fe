"""A file whose check died with its worker is checked again, a few times at most."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jichitai.opendata.models import CheckStatus, ResourceFile
from jichitai.opendata.services.stuck_checks import Sweep, recheck_stuck_files
from jichitai.opendata.tests.test_uploads import AED, aed_csv, upload

pytestmark = pytest.mark.django_db(transaction=True)
AED_LATITUDE = AED.labels.index("緯度")


def die_mid_check(stored: ResourceFile, *, minutes_ago: int, attempts: int = 1) -> None:
    """What a killed worker leaves behind: "checking", started long ago, and the copy to
    publish it wrote but did not record (the one the upload's check made, now unnamed)."""
    ResourceFile.objects.filter(pk=stored.pk).update(
        status=CheckStatus.CHECKING,
        progress=40,
        check_started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        check_attempts=attempts,
        published_storage_name="",
    )


def test_a_check_records_when_it_started_and_how_often(clerk: Any, resource: Any):
    stored = upload(clerk, resource, aed_csv().encode())
    assert stored.status == CheckStatus.PASSED
    assert stored.check_attempts == 1 and stored.check_started_at is not None


def test_a_check_whose_worker_died_is_run_again(clerk: Any, resource: Any):
    stored = upload(clerk, resource, aed_csv().encode())
    die_mid_check(stored, minutes_ago=120)
    assert recheck_stuck_files().requeued == 1  # the immediate task backend checks at once
    stored.refresh_from_db()
    assert (stored.status, stored.check_attempts, stored.progress) == (CheckStatus.PASSED, 2, 100)
    assert stored.published_storage_name
    assert copies_of(stored) == [stored.published_storage_name]  # the dead worker's is gone


def test_a_running_check_is_left_alone(clerk: Any, resource: Any):
    stored = upload(clerk, resource, aed_csv().encode())
    die_mid_check(stored, minutes_ago=2)
    assert recheck_stuck_files() == Sweep(requeued=0, given_up=0)
    stored.refresh_from_db()
    assert stored.status == CheckStatus.CHECKING


def test_after_the_last_attempt_the_file_is_unreadable_with_a_reason(
    clerk: Any, resource: Any, settings: Any
):
    stored = upload(clerk, resource, aed_csv().encode())
    die_mid_check(stored, minutes_ago=120, attempts=settings.JICHITAI_OPENDATA_CHECK_ATTEMPTS)
    out = call_command_output("recheck_stuck_files")
    assert out == "requeued=0 given_up=1\n"
    stored.refresh_from_db()
    assert stored.status == CheckStatus.UNREADABLE
    assert "途中で止まりました" in stored.message


def test_a_lost_task_of_a_queued_file_is_queued_again(clerk: Any, resource: Any):
    stored = upload(clerk, resource, aed_csv().encode())
    ResourceFile.objects.filter(pk=stored.pk).update(
        status=CheckStatus.QUEUED,
        check_started_at=None,
        check_attempts=0,
        uploaded_at=timezone.now() - dt.timedelta(hours=3),
    )
    assert recheck_stuck_files().requeued == 1
    stored.refresh_from_db()
    assert stored.status == CheckStatus.PASSED


def test_an_old_check_finishing_after_a_newer_one_started_is_discarded(clerk: Any, resource: Any):
    from jichitai.opendata.services.uploads import _finish

    stored = upload(clerk, resource, aed_csv().encode())
    ResourceFile.objects.filter(pk=stored.pk).update(
        status=CheckStatus.CHECKING, check_attempts=stored.check_attempts + 1
    )
    kept = _finish(stored, status=CheckStatus.FAILED)
    assert kept.status == CheckStatus.CHECKING
    assert ResourceFile.objects.get(pk=stored.pk).status == CheckStatus.CHECKING


def reports_of(stored: ResourceFile) -> list[str]:
    from jichitai.opendata.services.uploads import report_folder

    return files_in(report_folder(stored.pk))


def copies_of(stored: ResourceFile) -> list[str]:
    """The file's CSV copies to publish, on disk."""
    from jichitai.opendata.services.uploads import published_folder

    return files_in(published_folder(stored.pk))


def files_in(folder: str) -> list[str]:
    from django.core.files.storage import default_storage

    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in names)


def an_orphan_report(stored: ResourceFile) -> str:
    """What a worker killed after writing its report, before recording it, leaves."""
    from jichitai.opendata import full_report
    from jichitai.opendata.services.uploads import report_folder

    return full_report.write_report([], [], folder=report_folder(stored.pk))


def test_a_check_started_again_leaves_one_report_the_one_it_names(clerk: Any, resource: Any):
    spoiled = aed_csv(change=lambda table: table[1].__setitem__(AED_LATITUDE, "北緯35度"))
    stored = upload(clerk, resource, spoiled.encode())
    first = stored.report_storage_name
    assert stored.status == CheckStatus.FAILED and reports_of(stored) == [first]
    die_mid_check(stored, minutes_ago=120)
    orphan = an_orphan_report(stored)
    assert recheck_stuck_files().requeued == 1
    stored.refresh_from_db()
    assert stored.status == CheckStatus.FAILED and stored.report_storage_name not in {first, orphan}
    assert reports_of(stored) == [stored.report_storage_name]


def test_giving_up_on_a_file_removes_what_its_attempts_left(
    clerk: Any, resource: Any, settings: Any
):
    stored = upload(clerk, resource, aed_csv().encode())
    die_mid_check(stored, minutes_ago=120, attempts=settings.JICHITAI_OPENDATA_CHECK_ATTEMPTS)
    an_orphan_report(stored)
    assert copies_of(stored)
    assert recheck_stuck_files().given_up == 1
    assert reports_of(stored) == [] and copies_of(stored) == []


def test_a_discarded_check_removes_the_report_it_wrote(clerk: Any, resource: Any):
    from django.core.files.storage import default_storage

    from jichitai.opendata.services.uploads import _finish

    stored = upload(clerk, resource, aed_csv().encode())
    ResourceFile.objects.filter(pk=stored.pk).update(
        status=CheckStatus.CHECKING, check_attempts=stored.check_attempts + 1
    )
    stored.report_storage_name = an_orphan_report(stored)  # as the late check's _record wrote
    _finish(stored, status=CheckStatus.FAILED)
    assert not default_storage.exists(stored.report_storage_name)
    assert reports_of(stored) == []


def call_command_output(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
