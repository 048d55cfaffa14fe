"""Benchmark: searching a large open data catalogue through the CKAN API.

Generates a catalogue of data sets (50,000 by default) with Japanese titles, descriptions,
tags, groups, departments, licences and resources in several formats, then asks
`package_search` with a Japanese `q` and three facets (organization, res_format, license_id)
through the real endpoint (`/api/3/action/package_search`, Django's test client, no
network), on SQLite and on a scratch PostgreSQL database. The words asked range from
narrow (a few dozen matches) to broad (a third of the catalogue).

Reference (in the same run, same database): `package_show` of data sets picked at random.
`ratio` = search p95 ÷ show p95 on SQLite. Target: search p95 ≤ 100 ms on both databases.

    make bench B=catalog                     # 50,000 data sets
    .venv/bin/python bench/catalog.py --entries 2000

Figures (search p50/p95 ms, ratio = search p95 ÷ package_show p95; the machine's 2 cores were
shared with other work, load average in brackets, so compare ratios more than milliseconds):
- before the facet columns (5b12b3b): SQLite 166 p95, PostgreSQL 197 p95;
- facet columns grouped in the database (fcadeb3): SQLite 107/122, ratio 31 [~1–7];
  PostgreSQL 155/373, ratio 62;
- the page read by walking an index in the default order, PostgreSQL analysed after loading:
  SQLite 110/200, ratio 15.5 [8.6]; PostgreSQL 241/577, ratio 5.5 [12.6];
- on main before the next change: SQLite 58/122 [5.0]; PostgreSQL 55/120 [6.6];
- broad words counted as cached facet totals minus the data sets they miss (3f6974b), two runs:
  SQLite 52/61 [3.9] and 51/58 [3.9]; PostgreSQL 50/68 [3.4] and 58/90 [4.1].

What dominated until 3f6974b (per-query timings of one search, 50,000 data sets): the one
grouped query over the matches, 85–95 % of the request: the substring test of every published
row's `search_text` plus, on SQLite, sorting the matches for GROUP BY (about as much again as
the scan for 大田区, 48,495 matches). 大田区 is now the published data sets' cached totals minus
the data sets it misses (none): SQLite 87 → 39 ms of CPU per request. What is left is the
substring scan itself, for every word: about 35 ms of CPU on SQLite (reading the wide data set
rows, then LIKE) and on PostgreSQL a sequential scan for two-character words (統計, 人口, 避難 …:
53–58 ms a request), which the trigram index cannot serve; words of three characters or more
use it (保育園: 23 ms a request). The page, its data sets, tags, groups and resources are six small
queries of under 1 ms each. Ideas measured and not adopted are in opendata/search_index.py.

Each database runs in its own process (Django is configured once per process). Without a
reachable PostgreSQL server its figures are `nan` and the run says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import live_server  # noqa: E402  (after the path is set)

# Words residents type, narrow to broad; each word appears in some generated titles.
QUERIES = [
    "避難",
    "人口",
    "ごみ",
    "保育園",
    "公衆トイレ",
    "ﾊﾞｽ停",
    "年齢別",
    "一覧",
    "大田区",
    "統計",
]
FACETS = '["organization", "res_format", "license_id"]'
AREAS = ["大森", "蒲田", "糀谷", "羽田", "田園調布", "雪谷", "千束", "六郷", "矢口", "池上"]
TOPICS = [
    ("指定緊急避難場所", "防災"),
    ("避難所", "防災"),
    ("AED設置箇所", "医療"),
    ("公衆トイレ", "観光"),
    ("地域・年齢別人口", "人口"),
    ("世帯数", "人口"),
    ("保育園", "子育て"),
    ("ごみ収集日", "環境"),
    ("公園", "観光"),
    ("図書館", "教育"),
    ("医療機関", "医療"),
    ("介護サービス事業所", "福祉"),
    ("文化財", "観光"),
    ("子育て施設", "子育て"),
    ("消防水利", "防災"),
    ("バス停留所", "交通"),
]
KINDS = ["一覧", "統計", "月報", "年報", "位置情報", "データ", "集計表"]
FORMATS = ["CSV", "CSV", "XLSX", "PDF", "JSON", "GeoJSON", "XML", "ZIP"]
LICENCES = ["cc-by-4.0", "cc-by-4.0", "cc-by-4.0", "pdl-1.0", "gov-jp-standard-2.0", "cc0-1.0"]


def generate(entries: int, seed: int = 4) -> None:
    """The catalogue, written in bulk (create_dataset per data set would take an hour)."""
    from django.db import transaction

    from jichitai.core.japanese.text import normalize_for_search
    from jichitai.core.models import Municipality, OrgUnit
    from jichitai.opendata.models import Dataset, Group, Resource, State, Tag

    rng = random.Random(seed)
    city = Municipality.objects.create(
        code="131113", name_ja="大田区", name_en="Ota City", prefecture_ja="東京都"
    )
    division = OrgUnit.objects.create(
        municipality=city, level="division", code="kikaku", name_ja="企画経営部"
    )
    departments = [
        OrgUnit.objects.create(
            municipality=city,
            parent=division,
            level="department",
            code=f"ka{number:02d}",
            name_ja=f"{name}課",
        )
        for number, name in enumerate(
            [
                "防災危機管理",
                "戸籍住民",
                "課税",
                "保育サービス",
                "清掃事業",
                "都市基盤管理",
                "観光",
                "健康医療政策",
                "介護保険",
                "文化振興",
                "交通事業",
                "統計調査",
            ]
        )
    ]
    groups = [
        Group.objects.create(name=f"group-{number:02d}", title=title)
        for number, title in enumerate(
            [
                "防災・防犯",
                "人口・世帯",
                "子育て・教育",
                "環境",
                "観光・文化",
                "医療・福祉",
                "交通",
                "行財政",
            ]
        )
    ]
    tag_names = sorted({category for _, category in TOPICS} | {f"{a}地区" for a in AREAS})
    tags = [Tag.objects.create(name=name) for name in tag_names]
    with transaction.atomic():
        for start in range(0, entries, 2000):
            datasets, resources, tag_links, group_links = [], [], [], []
            for number in range(start, min(start + 2000, entries)):
                area = rng.choice(AREAS)
                topic, _category = rng.choice(TOPICS)
                kind = rng.choice(KINDS)
                year = rng.randint(2015, 2025)
                department = rng.choice(departments)
                title = f"{area}地区の{topic}{kind}（{year}年度）"
                notes = (
                    f"大田区{area}地区における{topic}の{kind}です。"
                    f"{department.name_ja}が毎年度更新します。"
                )
                chosen_tags = rng.sample(tags, rng.randint(1, 3))
                chosen_groups = rng.sample(groups, rng.randint(1, 2))
                chosen_formats = [rng.choice(FORMATS) for _ in range(rng.randint(1, 3))]
                state = State.ACTIVE if number % 50 else State.DRAFT
                dataset = Dataset(
                    name=f"dataset-{number:06d}",
                    title=title,
                    notes=notes,
                    owner_org=department,
                    state=state,
                    private=number % 97 == 0,
                    license_id=rng.choice(LICENCES),
                    metadata_modified=_moment(rng),
                )
                resource_parts = []
                for position, format_ in enumerate(chosen_formats):
                    resource = Resource(
                        dataset=dataset,
                        position=position,
                        name=f"{topic}{kind}（{format_}）",
                        url=f"https://example.jp/{number}/{position}.{format_.lower()}",
                        format=format_,
                    )
                    resources.append(resource)
                    resource_parts += [resource.name, resource.format]
                parts = [title, dataset.name, notes, department.name_ja]
                parts += [tag.name for tag in chosen_tags]
                parts += [group.title for group in chosen_groups]
                dataset.search_text = normalize_for_search(" ".join(parts + resource_parts))
                datasets.append(dataset)
                tag_links += [Dataset.tags.through(dataset=dataset, tag=t) for t in chosen_tags]
                group_links += [
                    Dataset.groups.through(dataset=dataset, group=g) for g in chosen_groups
                ]
            Dataset.objects.bulk_create(datasets)
            Resource.objects.bulk_create(resources)
            Dataset.tags.through.objects.bulk_create(tag_links)
            Dataset.groups.through.objects.bulk_create(group_links)
    _rebuild_search_index()


def _rebuild_search_index() -> None:
    """Bulk writes bypass touch(); bring any derived search data up to date."""
    try:
        from jichitai.opendata import search_index
    except ImportError:  # before the search index existed
        return
    search_index.rebuild()


def _settle() -> None:
    """Bring the freshly loaded database to the state a live one is in. On PostgreSQL,
    autovacuum would have vacuumed and analysed the tables within minutes of the load; without
    statistics the planner guesses one row per filter and picks plans no live catalogue gets.
    SQLite keeps no statistics unless asked, so it is measured as it is."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _moment(rng: random.Random) -> Any:
    import datetime as dt

    return dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randint(0, 1.5e8))


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def measure(requests: int) -> dict[str, Any]:
    from django.test import Client

    from jichitai.opendata.models import Dataset, State

    client = Client(HTTP_HOST="127.0.0.1")
    names = list(
        Dataset.objects.filter(state=State.ACTIVE, private=False).values_list("name", flat=True)
    )
    rng = random.Random(7)

    def timed(path: str, data: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        response = client.get(path, data)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:500]
        return elapsed, response.json()["result"]

    def search(word: str) -> tuple[float, dict[str, Any]]:
        return timed("/api/3/action/package_search", {"q": word, "facet.field": FACETS})

    for word in QUERIES:  # warm up: caches, connections, imports
        search(word)
    matches = {word: search(word)[1]["count"] for word in QUERIES}
    search_ms = [search(QUERIES[number % len(QUERIES)])[0] for number in range(requests)]
    show_ms = [
        timed("/api/3/action/package_show", {"id": rng.choice(names)})[0] for _ in range(requests)
    ]
    return {
        "search_p50": percentile(search_ms, 0.5),
        "search_p95": percentile(search_ms, 0.95),
        "show_p50": percentile(show_ms, 0.5),
        "show_p95": percentile(show_ms, 0.95),
        "matches": matches,
    }


def child(entries: int, requests: int) -> None:
    """Runs in a process of its own with DATABASE_URL set: migrate, generate, measure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate(entries)
    generated_s = time.perf_counter() - started
    _settle()
    figures = measure(requests)
    figures["generate_s"] = generated_s
    figures["load"] = os.getloadavg()[0]  # other work on the machine skews the figures
    print(json.dumps(figures, ensure_ascii=False))


def run_on(database_url: str, entries: int, requests: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603  (our own script, our own arguments)
        [
            sys.executable,
            __file__,
            "--child",
            "--entries",
            str(entries),
            "--requests",
            str(requests),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the benchmark failed on {database_url.split(':', 1)[0]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=50_000, help="data sets")
    parser.add_argument("--requests", type=int, default=300, help="searches and shows each")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.entries, args.requests)
        return
    requests = min(args.requests, max(20, args.entries))
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="jichitai-catalog-") as scratch:
        figures["sqlite"] = run_on(f"sqlite:///{scratch}/catalog.sqlite3", args.entries, requests)
        url, created = live_server.scratch_database(Path(scratch), postgres=True)
        try:
            if created is not None:
                figures["postgresql"] = run_on(url, args.entries, requests)
        finally:
            live_server.drop_database(created)
    nan = {key: float("nan") for key in ("search_p50", "search_p95", "show_p50", "show_p95")}
    sqlite, postgresql = figures["sqlite"], figures.get("postgresql", nan)
    if "postgresql" not in figures:
        print("postgresql: not reachable, its figures are nan")
    for database, found in figures.items():
        print(
            f"{database}: generated in {found['generate_s']:.0f} s; matches per word: "
            + ", ".join(f"{word}={count}" for word, count in found["matches"].items())
        )
    for database, found in (("sqlite", sqlite), ("postgresql", postgresql)):
        print(
            f"{database}: search p50 {found['search_p50']:.0f} ms,"
            f" p95 {found['search_p95']:.0f} ms;"
            f" package_show p50 {found['show_p50']:.1f} ms, p95 {found['show_p95']:.1f} ms;"
            f" ratio {found['search_p95'] / found['show_p95']:.1f};"
            f" load average after measuring {found.get('load', float('nan')):.2f}"
        )
    print(
        f"load average (1, 5, 15 min) at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print(
        f"bench catalog: ratio={sqlite['search_p95'] / sqlite['show_p95']:.1f}"
        f" ratio_postgresql={postgresql['search_p95'] / postgresql['show_p95']:.1f}"
        f" search_p50_ms_sqlite={sqlite['search_p50']:.0f}"
        f" search_p95_ms_sqlite={sqlite['search_p95']:.0f}"
        f" search_p50_ms_postgresql={postgresql['search_p50']:.0f}"
        f" search_p95_ms_postgresql={postgresql['search_p95']:.0f}"
        f" show_p95_ms_sqlite={sqlite['show_p95']:.1f}"
        f" show_p95_ms_postgresql={postgresql['show_p95']:.1f}"
        f" datasets={args.entries}"
    )


if __name__ == "__main__":
    main()
