"""Benchmark: the cost of the audit log's hash chain on every audited write.

Reference (the limit we compare against): inserting the same audit rows without the chain —
no head row lock, no hashing — in the same kind of transaction. `ratio` is chained time over
plain time, so 1.0 would mean the chain costs nothing. Runs on a fresh SQLite file, or on the
database named by BENCH_DATABASE_URL (a scratch PostgreSQL database, for example).

    make bench B=audit_append            # 2,000 entries
    .venv/bin/python bench/audit_append.py --entries 20
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="jichitai-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch.name}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from jichitai.governance.models import AuditEvent
    from jichitai.governance.services import record_event

    call_command("migrate", verbosity=0)
    AuditEvent.objects.all().delete()

    def plain(number: int) -> None:
        with transaction.atomic():
            AuditEvent.objects.create(
                sequence=1_000_000 + number,
                occurred_at=timezone.now(),
                action="bench.plain",
                outcome="success",
                actor_label="bench@example.jp",
                detail={"n": number},
                previous_hash="",
                entry_hash=f"plain-{number}",
            )

    def chained(number: int) -> None:
        with transaction.atomic():
            record_event("bench.chained", actor_label="bench@example.jp", detail={"n": number})

    timings = {}
    for name, write in (("plain", plain), ("chained", chained)):
        started = time.perf_counter()
        for number in range(args.entries):
            write(number)
        timings[name] = time.perf_counter() - started

    ratio = timings["chained"] / timings["plain"]
    per_second = args.entries / timings["chained"]
    print(
        f"bench audit_append: ratio={ratio:.2f} entries={args.entries} "
        f"chained_per_s={per_second:.0f} plain_per_s={args.entries / timings['plain']:.0f} "
        f"database={os.environ['DATABASE_URL'].split(':', 1)[0]}"
    )
    scratch.cleanup()


if __name__ == "__main__":
    main()
