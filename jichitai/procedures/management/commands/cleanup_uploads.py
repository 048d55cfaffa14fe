"""manage.py cleanup_uploads [--dry-run]: remove uploaded files nobody needs any more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jichitai.procedures.services.uploads import clean_up_uploads


class Command(BaseCommand):
    help = (
        "Remove uploads no application or draft uses (after JICHITAI_UPLOAD_GRACE_HOURS) and "
        "the uploads of drafts untouched for JICHITAI_DRAFT_UPLOAD_RETENTION_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be removed."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        report = clean_up_uploads(
            grace=dt.timedelta(hours=settings.JICHITAI_UPLOAD_GRACE_HOURS),
            draft_retention=dt.timedelta(days=settings.JICHITAI_DRAFT_UPLOAD_RETENTION_DAYS),
            dry_run=dry_run,
        )
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"cleanup_uploads: {verb} {len(report.draft_answers)} file answer(s) of abandoned "
            f"drafts, {len(report.attachments)} unused upload(s), "
            f"{len(report.orphan_files)} file(s) without a record"
        )
