"""The licence register (ライセンス) data sets may be published under.

CKAN's built-in register has no CC BY 4.0 and none of the Japanese government terms, so
Japanese portals load their own; this is ours. `od_conformance` / `osd_conformance` follow
CKAN's licence dicts, from which `isopen` is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LICENCE_ID = "cc-by-4.0"


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    title_en: str
    url: str
    od_conformance: str = "approved"
    osd_conformance: str = "not reviewed"
    family: str = ""

    @property
    def is_open(self) -> bool:
        return self.od_conformance == "approved" or self.osd_conformance == "approved"


LICENCES: tuple[Licence, ...] = (
    Licence(
        "cc-by-4.0",
        "クリエイティブ・コモンズ 表示 4.0 国際",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/deed.ja",
        family="Creative Commons",
    ),
    Licence(
        "pdl-1.0",
        "公共データ利用規約（第1.0版）",
        "Public Data License (Version 1.0)",
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    ),
    Licence(
        "gov-jp-standard-2.0",
        "政府標準利用規約（第2.0版）",
        "Government of Japan Standard Terms of Use (Version 2.0)",
        "https://www.digital.go.jp/resources/open_data/",
    ),
    Licence(
        "cc-by-sa-4.0",
        "クリエイティブ・コモンズ 表示-継承 4.0 国際",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/deed.ja",
        family="Creative Commons",
    ),
    Licence(
        "cc0-1.0",
        "CC0 1.0 全世界 パブリック・ドメイン提供",
        "CC0 1.0 Universal Public Domain Dedication",
        "https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
        family="Creative Commons",
    ),
    Licence(
        "other-closed",
        "その他（非オープン）",
        "Other (not open)",
        "",
        od_conformance="not reviewed",
    ),
)

_BY_ID = {licence.id: licence for licence in LICENCES}


def licence_by_id(licence_id: str) -> Licence | None:
    return _BY_ID.get(licence_id)


def licence_choices() -> list[tuple[str, str]]:
    return [(licence.id, licence.title) for licence in LICENCES]
