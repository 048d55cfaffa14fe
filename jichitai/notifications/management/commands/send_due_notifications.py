"""Send the outbox's due messages: retries whose time has come, messages whose task never ran,
and messages whose worker died while sending. `--loop` keeps doing so (make worker runs it)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from jichitai.notifications.services import sweep


class Command(BaseCommand):
    help = "Send outbox messages that are due (retries, lost tasks, expired leases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping until stopped")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between sweeps with --loop"
        )

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        stop = threading.Event()
        if loop:
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, lambda *_: stop.set())
        while True:
            if loop:
                # A long-running process drops connections that broke or aged meanwhile.
                close_old_connections()
            result = sweep()
            if result.sent or result.not_sent or result.released or not loop:
                self.stdout.write(
                    f"sent={result.sent} not_sent={result.not_sent} released={result.released}"
                )
            if not loop or stop.wait(interval):
                return
