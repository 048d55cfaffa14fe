"""Building blocks for the standard data sets' Table Schemas: one function per kind of column.

The formats are those of the Digital Agency's データ項目定義書 (reference/opendata.md §2.3–2.4):
文字列（半角数字） becomes a pattern, 文字列（全角カナ） a katakana pattern, 数値 a non-negative
integer, 時刻（hh:mm） a time with format %H:%M, 統制語彙 an enum, 緯度・経度 numbers within
Japan's bounding box.
"""

from __future__ import annotations

from typing import Any

Descriptor = dict[str, Any]

KATAKANA = "[ァ-ヶー・　０-９Ａ-Ｚａ-ｚ（）()0-9A-Za-z ]+"
LATITUDE_RANGE = (20, 46)
LONGITUDE_RANGE = (122, 154)


def text(name: str, *, required: bool = False, **constraints: Any) -> Descriptor:
    if required:
        constraints["required"] = True
    field: Descriptor = {"name": name, "type": "string"}
    if constraints:
        field["constraints"] = constraints
    return field


def municipality_code(name: str, *, required: bool = False) -> Descriptor:
    return text(name, required=required, pattern="[0-9]{6}")


def legacy_region_code(name: str) -> Descriptor:
    # The older layout took either a prefecture code (2 digits) or a municipality code (6).
    return text(name, pattern="([0-9]{2}|[0-9]{5,6})")


def identifier(name: str) -> Descriptor:
    return text(name, pattern="[0-9A-Za-z_-]+")


def kana(name: str) -> Descriptor:
    return text(name, pattern=KATAKANA)


def latitude(name: str = "緯度") -> Descriptor:
    low, high = LATITUDE_RANGE
    return {"name": name, "type": "number", "constraints": {"minimum": low, "maximum": high}}


def longitude(name: str = "経度") -> Descriptor:
    low, high = LONGITUDE_RANGE
    return {"name": name, "type": "number", "constraints": {"minimum": low, "maximum": high}}


def count(name: str, *, required: bool = False) -> Descriptor:
    constraints: dict[str, Any] = {"minimum": 0}
    if required:
        constraints["required"] = True
    return {"name": name, "type": "integer", "constraints": constraints}


def hhmm(name: str) -> Descriptor:
    return {"name": name, "type": "time", "format": "%H:%M"}


def iso_date(name: str, *, required: bool = False) -> Descriptor:
    field: Descriptor = {"name": name, "type": "date"}
    if required:
        field["constraints"] = {"required": True}
    return field


def yes_no(name: str) -> Descriptor:
    return text(name, enum=["有", "無"])


def flag(name: str) -> Descriptor:
    """`1` when it applies, blank when not (the hazard columns of 指定緊急避難場所)."""
    return text(name, enum=["1"])


def uri(name: str) -> Descriptor:
    return {"name": name, "type": "string", "format": "uri"}


def email(name: str) -> Descriptor:
    return {"name": name, "type": "string", "format": "email"}


def phone(name: str) -> Descriptor:
    return text(name, pattern="[0-9+()-]{6,20}")


def postal_code(name: str = "郵便番号") -> Descriptor:
    return text(name, pattern="[0-9]{3}-?[0-9]{4}")


def corporate_number(name: str = "法人番号") -> Descriptor:
    return text(name, pattern="[0-9]{13}")


# Blocks shared by many standard data sets, in their current (正式版) and older (推奨) layouts.
HEAD = [municipality_code("全国地方公共団体コード"), identifier("ID"), text("地方公共団体名")]
HEAD_LEGACY = [
    legacy_region_code("都道府県コード又は市区町村コード"),
    text("NO"),
    text("都道府県名"),
    text("市区町村名"),
]
ADDRESS = [
    municipality_code("所在地_全国地方公共団体コード"),
    text("町字ID"),
    text("所在地_連結表記", required=True),
    text("所在地_都道府県"),
    text("所在地_市区町村"),
    text("所在地_町字"),
    text("所在地_番地以下"),
    text("建物名等(方書)"),
    latitude(),
    longitude(),
]
ADDRESS_LEGACY = [text("住所", required=True), text("方書"), latitude(), longitude()]
CONTACT = [
    phone("電話番号"),
    text("内線番号"),
    email("連絡先メールアドレス"),
    uri("連絡先FormURL"),
    text("連絡先備考（その他、SNSなど）"),
    postal_code(),
    corporate_number(),
    text("団体名"),
]
CONTACT_LEGACY = [phone("電話番号"), text("内線番号"), corporate_number(), text("団体名")]
OPENING_HOURS = [
    text("利用可能曜日"),
    hhmm("開始時間"),
    hhmm("終了時間"),
    text("利用可能日時特記事項"),
]
TAIL = [uri("画像"), text("画像_ライセンス"), uri("URL"), text("備考")]
TAIL_LEGACY = [uri("URL"), text("備考")]
