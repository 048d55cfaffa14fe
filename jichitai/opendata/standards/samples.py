"""Generated sample rows (サンプルデータ) that conform to a standard data set's layout.

Used for the demo catalogue and the validation benchmark. Values are plausible for Ota City
but invented; nothing here describes a real facility.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from jichitai.opendata.standards.catalogue import Layout

OTA_CODE = "131113"
KATAKANA_WORDS = [
    "カマタ",
    "オオモリ",
    "デンエンチョウフ",
    "ハネダ",
    "ヘイワジマ",
    "ユキガヤ",
    "イケガミ",
]
TOWNS = [
    "蒲田五丁目",
    "大森北一丁目",
    "田園調布二丁目",
    "羽田空港三丁目",
    "平和島一丁目",
    "雪谷大塚町",
]


def _by_name(name: str, number: int, rng: random.Random, title: str) -> str | None:
    """Values decided by the column's name; None when the name says nothing special."""
    town = TOWNS[number % len(TOWNS)]
    fixed = {
        "ID": f"{number:06d}",
        "NO": str(number),
        "地方公共団体名": "東京都大田区",
        "都道府県名": "東京都",
        "市区町村名": "大田区",
        "所在地_都道府県": "東京都",
        "所在地_市区町村": "大田区",
        "所在地_町字": town,
        "所在地_番地以下": f"{number % 30 + 1}番{number % 9 + 1}号",
        "名称": f"{title}サンプル{number}",
        "名称_カナ": f"{KATAKANA_WORDS[number % len(KATAKANA_WORDS)]}サンプル",
        "名称_英字": f"Sample {number}",
        "名称_英語": f"Sample {number}",
        "所在地_連結表記": f"東京都大田区{town}{number % 30 + 1}番{number % 9 + 1}号",
        "住所": f"東京都大田区{town}{number % 30 + 1}番{number % 9 + 1}号",
        "電話番号": f"03-{5700 + number % 100}-{1000 + number % 9000}",
        "FAX番号": "03-5744-1600",
        "郵便番号": "144-8621",
        "法人番号": "1000020131113",
        "団体名": "大田区",
        "地域名": town,
        "調査年月日": "2026-04-01",
        "利用可能曜日": "月火水木金",
        "SSID": f"Ota_City_Free_Wi-Fi_{number % 5}",
        "種別": "保育所",
        "設置位置": "1階入口",
    }
    if name in fixed:
        return fixed[name]
    if name == "緯度":
        return f"{35.561 + rng.uniform(-0.03, 0.03):.6f}"
    if name == "経度":
        return f"{139.716 + rng.uniform(-0.04, 0.04):.6f}"
    return None


def _by_type(field: dict[str, Any], rng: random.Random) -> str:
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        return str(rng.choice(constraints["enum"]))
    kind, pattern = field.get("type", "string"), constraints.get("pattern", "")
    if pattern in {"[0-9]{6}", "([0-9]{2}|[0-9]{5,6})"}:
        return OTA_CODE
    if kind == "integer":
        return str(rng.randint(0, 200))
    if kind == "number":
        return f"{rng.uniform(0, 100):.2f}"
    if kind == "time":
        return rng.choice(["08:30", "09:00", "10:00"]) if "開始" in field["name"] else "17:00"
    if kind == "date":
        return "2026-04-01"
    if field.get("format") == "uri":
        return "https://www.city.ota.tokyo.jp/"
    if field.get("format") == "email":
        return "opendata@city.ota.tokyo.jp"
    return ""


def sample_rows(
    layout: Layout, count: int, *, title: str = "", seed: int = 1
) -> Iterator[list[str]]:
    """`count` valid rows for the layout, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311  (sample data, not security)
    for number in range(1, count + 1):
        row = []
        for field in layout.fields:
            value = _by_name(field["name"], number, rng, title)
            row.append(value if value is not None else _by_type(field, rng))
        yield row
