"""Delete sent outbox messages older than the retention (NOTIFICATIONS_KEEP_SENT_DAYS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jichitai.notifications import conf
from jichitai.notifications.services import prune_sent


class Command(BaseCommand):
    help = "Delete sent outbox messages older than N days (default NOTIFICATIONS_KEEP_SENT_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more")
            raise SystemExit(2)
        deleted = prune_sent(days)
        self.stdout.write(
            f"deleted={deleted} older_than_days={conf.keep_sent_days() if days is None else days}"
        )
