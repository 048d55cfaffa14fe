"""Definitions of the demo catalogue's tables that follow no standard data set (sample data).

Each entry: (name, title, department code, group, tags, columns, rows). Numbers are invented
with a fixed seed; they look like a ward's statistics but describe nothing real.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Row = list[str]
YEARS = list(range(2016, 2026))
AREAS = ["大森", "調布", "蒲田", "糀谷・羽田"]


def _rng(name: str) -> random.Random:
    return random.Random(name)  # noqa: S311  (sample data, not security)


def yearly(name: str, *columns: tuple[str, int, int]) -> Callable[[], list[Row]]:
    """Rows of 年度 and columns drifting around a base, one per year."""

    def rows() -> list[Row]:
        rng = _rng(name)
        return [
            [str(year), *[str(base + rng.randint(-spread, spread)) for _, base, spread in columns]]
            for year in YEARS
        ]

    return rows


def places(name: str, kind: str, count: int) -> Callable[[], list[Row]]:
    def rows() -> list[Row]:
        rng = _rng(name)
        return [
            [
                f"{number:03d}",
                f"{AREAS[number % 4]}{kind}{number}（サンプル）",
                f"東京都大田区{AREAS[number % 4].split('・')[0]}{number % 9 + 1}丁目{number}番",
                f"{35.561 + rng.uniform(-0.03, 0.03):.6f}",
                f"{139.716 + rng.uniform(-0.04, 0.04):.6f}",
            ]
            for number in range(1, count + 1)
        ]

    return rows


PLACE_COLUMNS = ["ID", "名称", "所在地", "緯度", "経度"]

TABLES: list[tuple[str, str, str, str, list[str], list[str], Callable[[], list[Row]]]] = [
    (
        "population-trend",
        "人口・世帯数の推移",
        "kosekijumin-ka",
        "jinko-setai",
        ["人口", "世帯"],
        ["年", "総人口", "世帯数"],
        yearly("population-trend", ("", 735000, 9000), ("", 420000, 6000)),
    ),
    (
        "foreign-residents",
        "外国人住民数の推移",
        "kosekijumin-ka",
        "jinko-setai",
        ["人口", "国際"],
        ["年", "外国人住民数"],
        yearly("foreign-residents", ("", 25000, 3000)),
    ),
    (
        "tax-revenue",
        "特別区民税収入の推移",
        "kazei-ka",
        "gyozaisei",
        ["税", "財政"],
        ["年度", "調定額（千円）", "収入額（千円）"],
        yearly("tax-revenue", ("", 78000000, 2000000), ("", 76000000, 2000000)),
    ),
    (
        "tax-payment-methods",
        "納付方法別の納税件数",
        "nozei-ka",
        "gyozaisei",
        ["税"],
        ["年度", "口座振替", "コンビニ", "スマートフォン決済"],
        yearly("tax-payment-methods", ("", 210000, 9000), ("", 150000, 9000), ("", 60000, 20000)),
    ),
    (
        "nhi-members",
        "国民健康保険被保険者数",
        "kokuhonenkin-ka",
        "shakaihosho",
        ["国民健康保険"],
        ["年度", "被保険者数", "世帯数"],
        yearly("nhi-members", ("", 160000, 8000), ("", 110000, 5000)),
    ),
    (
        "care-certifications",
        "要介護・要支援認定者数",
        "kaigohoken-ka",
        "shakaihosho",
        ["介護"],
        ["年度", "要支援", "要介護"],
        yearly("care-certifications", ("", 9000, 600), ("", 24000, 1200)),
    ),
    (
        "disability-certificates",
        "障害者手帳所持者数",
        "shogaifukushi-ka",
        "shakaihosho",
        ["障害福祉"],
        ["年度", "身体障害者手帳", "愛の手帳", "精神障害者保健福祉手帳"],
        yearly("disability-certificates", ("", 19000, 500), ("", 4000, 200), ("", 7000, 700)),
    ),
    (
        "welfare-households",
        "生活保護受給世帯数",
        "fukushikanri-ka",
        "shakaihosho",
        ["福祉"],
        ["年度", "受給世帯数"],
        yearly("welfare-households", ("", 14000, 500)),
    ),
    (
        "food-inspections",
        "食品衛生監視指導件数",
        "seikatsueisei-ka",
        "shiho-anzen-kankyo",
        ["食品衛生"],
        ["年度", "監視件数", "収去検査件数"],
        yearly("food-inspections", ("", 12000, 800), ("", 900, 100)),
    ),
    (
        "waiting-children",
        "保育施設の待機児童数",
        "hoikuservice-ka",
        "shakaihosho",
        ["子育て", "保育"],
        ["年度", "待機児童数"],
        yearly("waiting-children", ("", 40, 35)),
    ),
    (
        "childcare-plazas",
        "子育てひろば一覧",
        "kosodateshien-ka",
        "kyoiku-bunka",
        ["子育て"],
        PLACE_COLUMNS,
        places("childcare-plazas", "子育てひろば", 12),
    ),
    (
        "recycling-volume",
        "資源回収量の推移",
        "seiso-ka",
        "shiho-anzen-kankyo",
        ["ごみ", "リサイクル"],
        ["年度", "古紙（t）", "びん（t）", "缶（t）", "ペットボトル（t）"],
        yearly(
            "recycling-volume", ("", 21000, 900), ("", 5000, 300), ("", 2000, 200), ("", 2500, 200)
        ),
    ),
    (
        "collection-days",
        "地域別ごみ収集曜日",
        "seiso-ka",
        "shiho-anzen-kankyo",
        ["ごみ"],
        ["地域", "可燃ごみ", "不燃ごみ", "資源"],
        lambda: [[a, "月・木", "第2水", "火"] for a in AREAS],
    ),
    (
        "parks",
        "区立公園一覧",
        "dorokoen-ka",
        "kokudo-kisho",
        ["公園"],
        PLACE_COLUMNS,
        places("parks", "公園", 25),
    ),
    (
        "bicycle-parking",
        "自転車駐車場一覧",
        "dorokoen-ka",
        "unyu-kanko",
        ["自転車", "駐輪場"],
        PLACE_COLUMNS,
        places("bicycle-parking", "自転車駐車場", 18),
    ),
    (
        "greenhouse-gas",
        "区内の温室効果ガス排出量",
        "kankyokeikaku-ka",
        "shiho-anzen-kankyo",
        ["環境", "脱炭素"],
        ["年度", "排出量（千t-CO2）"],
        yearly("greenhouse-gas", ("", 3100, 150)),
    ),
    (
        "community-centres",
        "区民活動施設一覧",
        "chiikiryoku-ka",
        "kyoiku-bunka",
        ["地域活動"],
        PLACE_COLUMNS,
        places("community-centres", "区民活動センター", 10),
    ),
    (
        "staff-numbers",
        "職員数の推移",
        "jinji-ka",
        "gyozaisei",
        ["職員"],
        ["年度", "職員数"],
        yearly("staff-numbers", ("", 4700, 60)),
    ),
    (
        "budget-by-section",
        "一般会計歳出予算（款別）",
        "zaisei-ka",
        "gyozaisei",
        ["予算", "財政"],
        ["款", "予算額（千円）"],
        lambda: [
            [k, str(v)]
            for k, v in [
                ("総務費", 33000000),
                ("福祉費", 160000000),
                ("衛生費", 18000000),
                ("産業経済費", 4000000),
                ("土木費", 26000000),
                ("教育費", 36000000),
            ]
        ],
    ),
    (
        "newsletter-copies",
        "区報の発行部数",
        "kochokoho-ka",
        "johotsushin",
        ["広報"],
        ["年度", "発行部数"],
        yearly("newsletter-copies", ("", 330000, 4000)),
    ),
]

# Data sets published as a generated PDF report rather than a table (★ only).
REPORTS: list[tuple[str, str, str, str, list[str]]] = [
    ("budget-summary", "予算の概要（サンプル報告書）", "zaisei-ka", "gyozaisei", ["予算"]),
    ("opinion-survey", "区民意識調査 結果報告（サンプル）", "kochokoho-ka", "sonota", ["調査"]),
]

# The national catalogue's categories (e-Stat's statistical fields), for groups.
GROUPS: list[tuple[str, str, str]] = [
    ("kokudo-kisho", "国土・気象", "Land and weather"),
    ("jinko-setai", "人口・世帯", "Population and households"),
    ("rodo-chingin", "労働・賃金", "Labour and wages"),
    ("shogyo-service", "商業・サービス業", "Commerce and services"),
    ("jutaku-tochi", "住宅・土地・建設", "Housing, land and construction"),
    ("unyu-kanko", "運輸・観光", "Transport and tourism"),
    ("johotsushin", "情報通信・科学技術", "Information and communication"),
    ("kyoiku-bunka", "教育・文化・スポーツ・生活", "Education, culture, sport and living"),
    ("gyozaisei", "行財政", "Administration and finance"),
    ("shiho-anzen-kankyo", "司法・安全・環境", "Justice, safety and environment"),
    ("shakaihosho", "社会保障・衛生", "Social security and health"),
    ("bosai", "防災", "Disaster prevention"),
    ("sonota", "その他", "Other"),
]
