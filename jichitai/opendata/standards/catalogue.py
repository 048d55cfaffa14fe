"""The 自治体標準オープンデータセット (municipal standard data sets) we ship Table Schemas for.

Each has its current (正式版) layout and the older 推奨データセット layout that many
municipalities still publish; an uploaded file is matched to whichever it follows. Column
lists come from reference/opendata.md §2.3–2.4; where the reference marks a column order or
set as unverified, the layout below is our reading and says so in `note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jichitai.opendata.standards.fields import (
    ADDRESS,
    ADDRESS_LEGACY,
    CONTACT,
    CONTACT_LEGACY,
    HEAD,
    HEAD_LEGACY,
    OPENING_HOURS,
    TAIL,
    TAIL_LEGACY,
    count,
    flag,
    hhmm,
    iso_date,
    kana,
    latitude,
    longitude,
    municipality_code,
    phone,
    text,
    uri,
    yes_no,
)


@dataclass(frozen=True)
class Layout:
    name: str  # "current" or "legacy"
    fields: list[dict[str, Any]]
    primary_key: list[str] = field(default_factory=list)

    @property
    def descriptor(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {"fields": self.fields}
        if self.primary_key:
            descriptor["primaryKey"] = self.primary_key
        return descriptor

    @property
    def labels(self) -> list[str]:
        return [f["name"] for f in self.fields]


@dataclass(frozen=True)
class StandardDataset:
    id: str
    number: str  # in the current definition books
    title: str
    title_en: str
    current: Layout
    legacy: Layout
    note: str = ""

    @property
    def layouts(self) -> tuple[Layout, Layout]:
        return (self.current, self.legacy)


def _names(english: bool) -> list[dict[str, Any]]:
    return [
        text("名称", required=True),
        kana("名称_カナ"),
        text("名称_英語" if english else "名称_英字"),
    ]


def _facility(
    number: str,
    identifier: str,
    title: str,
    title_en: str,
    middle: list[dict[str, Any]],
    middle_legacy: list[dict[str, Any]] | None = None,
    *,
    note: str = "",
) -> StandardDataset:
    """A facility list: head, names, address, contact, the data set's own columns, tail."""
    return StandardDataset(
        id=identifier,
        number=number,
        title=title,
        title_en=title_en,
        current=Layout(
            "current", [*HEAD, *_names(False), *ADDRESS, *CONTACT, *middle, *TAIL], ["ID"]
        ),
        legacy=Layout(
            "legacy",
            [
                *HEAD_LEGACY,
                *_names(True),
                *ADDRESS_LEGACY,
                *CONTACT_LEGACY,
                *(middle if middle_legacy is None else middle_legacy),
                *TAIL_LEGACY,
            ],
        ),
        note=note,
    )


def _toilet_counts() -> list[dict[str, Any]]:
    names = [
        "男性トイレ総数",
        "男性トイレ数（小便器）",
        "男性トイレ数（和式）",
        "男性トイレ数（洋式）",
        "女性トイレ総数",
        "女性トイレ数（和式）",
        "女性トイレ数（洋式）",
        "男女共用トイレ総数",
        "男女共用トイレ数（和式）",
        "男女共用トイレ数（洋式）",
    ]
    return [count(name) for name in names]


HAZARDS = [
    "災害種別_洪水",
    "災害種別_崖崩れ、土石流及び地滑り",
    "災害種別_高潮",
    "災害種別_地震",
    "災害種別_津波",
    "災害種別_大規模な火事",
    "災害種別_内水氾濫",
    "災害種別_火山現象",
]
AGE_BANDS = [f"{age}-{age + 4}歳" for age in range(0, 85, 5)] + ["85歳以上"]
POPULATION_COUNTS = [
    count(f"{band}の{sex}", required=True) for band in AGE_BANDS for sex in ("男性", "女性")
]
# Everything after the head, the same in both layouts of 地域・年齢別人口.
POPULATION_BODY = [
    iso_date("調査年月日", required=True),
    text("地域名", required=True),
    count("総人口", required=True),
    count("男性", required=True),
    count("女性", required=True),
    *POPULATION_COUNTS,
    count("世帯数"),
    text("備考"),
]
# Where on or in a building a thing is: floors, or metres above sea level or the ground.
HEIGHT = [text("高度の種別", enum=["階数", "標高", "地表高"]), text("高度の値")]

STANDARD_DATASETS: tuple[StandardDataset, ...] = (
    _facility(
        "01",
        "public-facilities",
        "公共施設一覧",
        "Public facilities",
        [
            text("名称_通称"),
            text("POIコード"),
            *OPENING_HOURS,
            text("説明"),
            text("バリアフリー情報"),
        ],
        note="Current layout's facility columns after CONTACT are our reading.",
    ),
    StandardDataset(
        id="evacuation-sites",
        number="03",
        title="指定緊急避難場所一覧",
        title_en="Designated emergency evacuation sites",
        current=Layout(
            "current",
            [
                municipality_code("全国地方公共団体コード"),
                text("ID"),
                *_names(False),
                *ADDRESS,
                text("標高"),
                phone("電話番号"),
                text("内線番号"),
                text("連絡先メールアドレス"),
                uri("連絡先FormURL"),
                text("連絡先備考（その他、SNSなど）"),
                text("郵便番号"),
                text("市区町村コード"),
                text("地方公共団体名"),
                *[flag(name) for name in HAZARDS],
                flag("指定避難所との重複"),
                count("想定収容人数"),
                text("対象となる町会・自治会"),
                uri("URL"),
                uri("画像"),
                text("画像_ライセンス"),
                text("備考"),
            ],
            ["ID"],
        ),
        legacy=Layout(
            "legacy",
            [
                *HEAD_LEGACY,
                *_names(True),
                *ADDRESS_LEGACY,
                text("標高"),
                *[flag(name) for name in HAZARDS],
                flag("指定避難所との重複"),
                count("想定収容人数"),
                text("対象となる町会・自治会"),
                *TAIL_LEGACY,
            ],
        ),
        note="Column order follows third-party code; the legacy layout is our reading.",
    ),
    StandardDataset(
        id="population-by-area-and-age",
        number="04",
        title="地域・年齢別人口",
        title_en="Population by area and age",
        current=Layout(
            "current",
            [
                municipality_code("全国地方公共団体コード", required=True),
                text("地方公共団体名"),
                text("地域コード"),
                *POPULATION_BODY,
            ],
        ),
        legacy=Layout(
            "legacy",
            [
                text("都道府県コード又は市区町村コード"),
                text("地域コード"),
                text("都道府県名"),
                text("市区町村名"),
                *POPULATION_BODY,
            ],
        ),
        note="The current layout's head is not verified (reference/opendata.md §2.4).",
    ),
    _facility(
        "05",
        "childcare-facilities",
        "子育て施設一覧",
        "Childcare facilities",
        [
            text("種別", required=True),
            phone("FAX番号"),
            *OPENING_HOURS,
            count("定員"),
            text("対象年齢"),
            yes_no("一時預かりの有無"),
            yes_no("延長保育の有無"),
            yes_no("夜間保育の有無"),
            yes_no("休日保育の有無"),
        ],
        note="The facility columns are our reading of the definition book.",
    ),
    StandardDataset(
        id="open-data-list",
        number="06",
        title="オープンデータ一覧",
        title_en="List of open data",
        current=Layout(
            "current",
            [
                *HEAD,
                text("名称", required=True),
                text("分類"),
                text("データセットの説明"),
                uri("URL"),
                text("ファイル形式"),
                text("更新頻度"),
                iso_date("公開日"),
                iso_date("最終更新日"),
                text("ライセンス"),
                text("備考"),
            ],
            ["ID"],
        ),
        legacy=Layout(
            "legacy",
            [
                *HEAD_LEGACY,
                text("名称", required=True),
                text("分類"),
                text("データセットの説明"),
                uri("URL"),
                text("ファイル形式"),
                text("更新頻度"),
                iso_date("公開日"),
                text("ライセンス"),
                text("備考"),
            ],
        ),
        note="Both layouts are our reading; the definition book was not at hand.",
    ),
    _facility(
        "07",
        "public-wifi",
        "公衆無線LANアクセスポイント一覧",
        "Public Wi-Fi access points",
        [text("設置者"), text("SSID", required=True), text("認証方式"), *OPENING_HOURS],
        note="The access-point columns are our reading of the definition book.",
    ),
    StandardDataset(
        id="aed-locations",
        number="08",
        title="AED設置箇所一覧",
        title_en="AED locations",
        current=Layout(
            "current",
            [
                *HEAD,
                *_names(False),
                *ADDRESS,
                *HEIGHT,
                text("設置位置"),
                *CONTACT,
                *OPENING_HOURS,
                yes_no("小児対応設備の有無"),
                uri("画像1"),
                text("画像1_ライセンス"),
                uri("画像2"),
                text("画像2_ライセンス"),
                text("外部利用不可"),
                uri("URL"),
                text("備考"),
            ],
            ["ID"],
        ),
        legacy=Layout(
            "legacy",
            [
                *HEAD_LEGACY,
                text("名称", required=True),
                kana("名称_カナ"),
                text("住所", required=True),
                text("方書"),
                latitude(),
                longitude(),
                text("設置位置"),
                *CONTACT_LEGACY,
                *OPENING_HOURS,
                yes_no("小児対応設備の有無"),
                *TAIL_LEGACY,
            ],
        ),
        note="Current layout column order not verified (reference/opendata.md §2.4).",
    ),
    StandardDataset(
        id="public-toilets",
        number="13",
        title="公衆トイレ一覧",
        title_en="Public toilets",
        current=Layout(
            "current",
            [
                municipality_code("全国地方公共団体コード"),
                text("ID"),
                text("地方公共団体名"),
                text("名称", required=True),
                kana("名称_カナ"),
                text("名称_英語"),
                *ADDRESS[:8],
                text("設置位置", required=True),
                latitude(),
                longitude(),
                *HEIGHT,
                *_toilet_counts(),
                count("バリアフリートイレ数"),
                yes_no("車椅子使用者用トイレ有無"),
                yes_no("乳幼児用設備設置トイレ有無"),
                yes_no("オストメイト設置トイレ有無"),
                hhmm("利用開始時間"),
                hhmm("利用終了時間"),
                text("利用可能時間特記事項"),
                uri("画像"),
                text("画像_ライセンス"),
                text("備考"),
            ],
            ["ID"],
        ),
        legacy=Layout(
            "legacy",
            [
                *HEAD_LEGACY,
                text("名称", required=True),
                kana("名称_カナ"),
                text("名称_英語"),
                text("住所", required=True),
                text("方書"),
                text("設置位置"),
                latitude(),
                longitude(),
                *_toilet_counts(),
                count("多機能トイレ数"),
                yes_no("車椅子使用者用トイレ有無"),
                yes_no("乳幼児用設備設置トイレ有無"),
                yes_no("オストメイト設置トイレ有無"),
                hhmm("利用開始時間"),
                hhmm("利用終了時間"),
                text("利用可能日時特記事項"),
                *TAIL_LEGACY,
            ],
        ),
        note="Current layout from 定義書A sheet 13 as extracted by open-infra-japan.",
    ),
)
