"""Benchmark: a city-wide cash benefit opening — many residents applying at once.

Runs the production server (gunicorn, the same worker settings as `make run`) against a scratch
PostgreSQL database and submits the cash-benefit application through the JSON API
(`POST /api/v1/procedures/rinji-kyufukin/applications`, two household members, two attached
documents) from 64 concurrent clients. Every tenth submission is sent again after its answer
(a client retry) and every 25th is sent by two clients at once (a double click racing itself):
both must return the first receipt. Afterwards every accepted receipt is looked up in the
database: `lost` counts accepted submissions that are not there, `duplicated` counts
applications beyond one per Idempotency-Key or per household.

Reference (in the same run, same server, same database, same clients): a minimal Django view
that parses the same JSON payload and inserts it into a table in one transaction.
`ratio` = submissions per second ÷ reference inserts per second.

Floor (same run): the reference's insert behind what every API submission passes before the
application's own work — django-ninja, the API token check, the body schema and the
Idempotency-Key header (bench/support/surge_urls.py). Its line shows what the framework
costs; the surge's distance from it is what submitting itself costs.

Two load models. The last line is the closed loop: 64 clients, each sending its next request
as soon as it has an answer, which measures the most the server can take; its latencies are
then mostly queueing (64 clients ÷ throughput), so a p99 of 250 ms there would need 256
submissions per second whatever the server does with each one. The line before it is an open
loop, which asks the question a surge asks: requests arrive on a fixed schedule at half the
reference's throughput (the ratio the target names) for ten seconds, from up to 64
connections, whatever the server does; each latency counts from the request's scheduled time,
so a server that falls behind is charged for the queue it builds (no coordinated omission).
`achieved_rps` below `offered_rps` means the server could not keep up with that rate. The
reference line also gives the clients' own CPU (`client_cores`): they share the machine with
the server and must not take a core it needs. The `cpu_ms` line splits each answered request's
CPU between the gunicorn workers, PostgreSQL and the clients (bench/support/cpu_time.py): the
machine's speed drifts between runs, the split within one run much less.

    make bench B=surge                       # 2,000 submissions
    .venv/bin/python bench/surge.py --entries 50
    .venv/bin/python bench/surge.py --open-loop-rps 100   # arrivals at a planned peak rate
    BENCH_DATABASE_URL=postgres://… make bench B=surge   # an existing scratch database

Without a reachable PostgreSQL server it falls back to SQLite and says so.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import live_server  # noqa: E402  (after the path is set)
from bench.support.cpu_time import CpuMeter  # noqa: E402

SLUG = "rinji-kyufukin"
FLOOR_PATH = "/bench/floor/applications"
CLIENTS = 64


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    receipts_by_key: dict[str, set[str]] = field(default_factory=dict)
    failures: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, key: str, status: int, body: bytes, elapsed: float) -> None:
        with self.lock:
            if status in (200, 201):
                self.latencies_ms.append(elapsed * 1000)
                receipt = json.loads(body).get("receipt_number") if body else None
                if receipt:
                    self.receipts_by_key.setdefault(key, set()).add(receipt)
            else:
                self.failures[status] = self.failures.get(status, 0) + 1


def answers_for(number: int) -> dict[str, object]:
    from jichitai.procedures.demo_samples_benefits import cash_benefit_answers

    reference = f"9{number:09d}"
    return cash_benefit_answers(
        f"{reference[:4]}-{reference[4:8]}-{reference[8:]}", ("区民", "太郎", "クミン", "タロウ"), 2
    )


_households = iter(range(10**9))  # every submission of every phase is a different household


def run_load(port: int, path: str, tokens: list[str], entries: int) -> tuple[Results, float]:
    """Send `entries` submissions (plus the planned retries) from the clients; returns the
    results and the elapsed seconds."""
    jobs: queue.Queue[tuple[int, str, bytes, int] | None] = queue.Queue()
    run_id = uuid.uuid4().hex[:8]
    for number in range(entries):
        answers = answers_for(next(_households))
        body = json.dumps({"answers": answers}, ensure_ascii=False).encode()
        key = f"surge-{run_id}-{number:06d}"
        client = number % len(tokens)
        sends = 2 if number % 10 == 9 else 1  # a client retry after the answer
        jobs.put((client, key, body, sends))
        if number % 25 == 24:
            jobs.put((client, key, body, 1))  # the same submission racing from another client
    clients = min(CLIENTS, max(entries, 1))
    for _ in range(clients):
        jobs.put(None)
    results = Results()

    def client_loop() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (job := jobs.get()) is not None:
            client, key, body, sends = job
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {tokens[client]}",
                "Idempotency-Key": key,
            }
            for _ in range(sends):
                started = time.perf_counter()
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    status, payload = response.status, response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status, payload = 0, b""
                results.record(key, status, payload, time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def run_open_loop(
    port: int, path: str, tokens: list[str], entries: int, rate: float
) -> tuple[Results, float]:
    """Send `entries` submissions arriving at `rate` per second on a fixed schedule, from up
    to CLIENTS connections; latencies count from each request's scheduled time. Returns the
    results and the seconds from the first scheduled request to the last answer."""
    jobs: queue.Queue[tuple[float, int, str, bytes] | None] = queue.Queue()
    run_id = uuid.uuid4().hex[:8]
    start = time.perf_counter() + 0.5  # time to build the payloads and start the clients
    for number in range(entries):
        answers = answers_for(next(_households))
        body = json.dumps({"answers": answers}, ensure_ascii=False).encode()
        jobs.put((start + number / rate, number % len(tokens), f"open-{run_id}-{number:06d}", body))
    clients = min(CLIENTS, max(entries, 1))
    for _ in range(clients):
        jobs.put(None)
    results = Results()
    finished: list[float] = []

    def client_loop() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (job := jobs.get()) is not None:
            scheduled, client, key, body = job
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {tokens[client]}",
                "Idempotency-Key": key,
            }
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                status, payload = response.status, response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, payload = 0, b""
            results.record(key, status, payload, time.perf_counter() - scheduled)
        finished.append(time.perf_counter())
        connection.close()

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, max(finished) - start


def check_exactly_once(*phases: Results) -> tuple[int, int]:
    """(lost, duplicated) after the run, read from the database."""
    from django.db.models import Count

    from jichitai.procedures.models import Application

    lost = duplicated = 0
    accepted = [item for results in phases for item in results.receipts_by_key.items()]
    for key, receipts in accepted:
        duplicated += len(receipts) - 1  # the same key answered with different receipts
        stored = set(
            Application.objects.filter(idempotency_key=f"api:{key}").values_list(
                "receipt_number", flat=True
            )
        )
        lost += len(receipts - stored)
    per_unit = (
        Application.objects.filter(procedure__slug=SLUG)
        .values("dedupe_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    duplicated += sum(row["n"] - 1 for row in per_unit)
    return lost, duplicated


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def _by_status(failures: dict[int, int]) -> str:
    """e.g. (409×2,0×1): status 0 means the connection failed."""
    if not failures:
        return ""
    return "(" + ",".join(f"{status}×{count}" for status, count in sorted(failures.items())) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000, help="submissions per phase")
    parser.add_argument(
        "--open-loop-rps",
        type=float,
        help="the open loop's arrival rate (default: half the reference's throughput)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="jichitai-surge-"))
    if os.environ.get("BENCH_DATABASE_URL"):
        database_url, created = os.environ["BENCH_DATABASE_URL"], None
    else:
        database_url, created = live_server.scratch_database(scratch, postgres=True)
    environment = live_server.server_environment(database_url, scratch / "media")
    os.environ.update(environment)
    server = None
    try:
        tokens = live_server.prepare(environment, min(CLIENTS, max(args.entries, 1)))
        import django

        django.setup()  # this process builds the payloads and checks the database afterwards
        port = live_server.free_port()
        server = live_server.start_server(
            environment,
            port,
            workers=int(os.environ.get("BENCH_WORKERS", "2")),
            threads=int(os.environ.get("BENCH_THREADS", "4")),
        )
        warmup = max(4, args.entries // 20)
        run_load(port, "/bench/reference/", tokens, warmup)
        # The clients' own CPU (this process) in each phase, in cores: they share the machine
        # with the server, so a client that ate a core would hold the server back.
        cpu, meter = time.process_time(), CpuMeter(server.pid)
        reference, reference_s = run_load(port, "/bench/reference/", tokens, args.entries)
        reference_client_cores = (time.process_time() - cpu) / reference_s
        reference_cpu = meter.per_request(len(reference.latencies_ms))
        run_load(port, FLOOR_PATH, tokens, warmup)
        meter = CpuMeter(server.pid)
        floor, floor_s = run_load(port, FLOOR_PATH, tokens, args.entries)
        floor_cpu = meter.per_request(len(floor.latencies_ms))
        submit = f"/api/v1/procedures/{SLUG}/applications"
        run_load(port, submit, tokens, warmup)
        cpu, meter = time.process_time(), CpuMeter(server.pid)
        surge, surge_s = run_load(port, submit, tokens, args.entries)
        surge_client_cores = (time.process_time() - cpu) / surge_s
        surge_cpu = meter.per_request(len(surge.latencies_ms))
        offered_rps = args.open_loop_rps or len(reference.latencies_ms) / reference_s / 2
        # Ten seconds of arrivals: long enough for a queue to show, short enough that a server
        # that cannot keep up does not make the run last minutes.
        arrivals = min(args.entries, max(1, int(offered_rps * 10)))
        open_loop, open_loop_s = run_open_loop(port, submit, tokens, arrivals, offered_rps)
        lost, duplicated = check_exactly_once(surge, open_loop)
    finally:
        if server is not None:
            live_server.stop_server(server)
        from django.db import connections

        connections.close_all()
        live_server.drop_database(created)
    reference_rps = len(reference.latencies_ms) / reference_s
    surge_rps = len(surge.latencies_ms) / surge_s
    floor_rps = len(floor.latencies_ms) / floor_s
    failures = sum(sum(phase.failures.values()) for phase in (surge, reference, floor))
    open_loop_failures = sum(open_loop.failures.values())
    print(
        f"open loop: offered_rps={offered_rps:.0f}"
        f" ({'as asked' if args.open_loop_rps else 'half the reference'})"
        f" achieved_rps={len(open_loop.latencies_ms) / open_loop_s:.0f}"
        f" p50_ms={percentile(open_loop.latencies_ms, 0.5):.0f}"
        f" p99_ms={percentile(open_loop.latencies_ms, 0.99):.0f}"
        f" failed={open_loop_failures}{_by_status(open_loop.failures)}"
    )
    print(
        f"reference: rps={reference_rps:.0f} p50_ms={percentile(reference.latencies_ms, 0.5):.0f}"
        f" p99_ms={percentile(reference.latencies_ms, 0.99):.0f}"
        f" client_cores={reference_client_cores:.2f} (surge: {surge_client_cores:.2f})"
    )
    print(
        f"floor: rps={floor_rps:.0f} ratio={floor_rps / reference_rps:.2f}"
        f" (the reference's insert behind the API's token check and body schema)"
    )
    # Where each answered request's CPU went (ms); the machine's speed drifts between runs,
    # the split within one run does not.
    print(f"cpu_ms per request: reference {reference_cpu}; floor {floor_cpu}; surge {surge_cpu}")
    print(
        f"bench surge: ratio={surge_rps / reference_rps:.2f} rps={surge_rps:.0f}"
        f" p50_ms={percentile(surge.latencies_ms, 0.5):.0f}"
        f" p99_ms={percentile(surge.latencies_ms, 0.99):.0f}"
        f" lost={lost} duplicated={duplicated} failed={failures}{_by_status(surge.failures)}"
        f" submissions={len(surge.receipts_by_key)} clients={min(CLIENTS, args.entries)}"
        f" database={database_url.split(':', 1)[0]}"
    )


if __name__ == "__main__":
    main()
