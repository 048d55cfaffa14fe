"""Start again the checks of uploaded files whose worker died mid-check (see
`opendata.services.stuck_checks`). `--loop` keeps doing so; make run and make worker start it."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from jichitai.opendata.services.stuck_checks import recheck_stuck_files


class Command(BaseCommand):
    help = "Queue again the checks of uploaded open data files that never finished."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping until stopped")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="seconds between sweeps with --loop"
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
            result = recheck_stuck_files()
            if result.requeued or result.given_up or not loop:
                self.stdout.write(f"requeued={result.requeued} given_up={result.given_up}")
            if not loop or stop.wait(interval):
                return
