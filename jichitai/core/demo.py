"""Demo data: Ota City (大田区) and its organisation, marked as sample data.

Division and department names follow the city's published organisation chart; sections and
codes are illustrative. Loading is idempotent: existing rows are kept and only missing ones added.
"""

from __future__ import annotations

from django.db import transaction

from jichitai.core.models import Municipality, OrgUnit

# (code, name_ja, name_en) for a section; departments and divisions add their children.
Section = tuple[str, str, str]
Department = tuple[str, str, str, list[Section]]
Division = tuple[str, str, str, list[Department]]

OTA_ORGANISATION: list[Division] = [
    (
        "kikaku",
        "企画経営部",
        "Planning and Management Division",
        [
            (
                "kikaku-ka",
                "企画課",
                "Planning Department",
                [
                    ("kikaku-tanto", "企画担当", "Planning Section"),
                ],
            ),
            (
                "zaisei-ka",
                "財政課",
                "Finance Department",
                [
                    ("zaisei-tanto", "財政担当", "Budget Section"),
                ],
            ),
            (
                "johoseisaku-ka",
                "情報政策課",
                "Information Policy Department",
                [
                    ("johoseisaku-tanto", "情報政策担当", "Information Policy Section"),
                    ("johosystem-tanto", "情報システム担当", "Information Systems Section"),
                ],
            ),
            ("kochokoho-ka", "広聴広報課", "Public Relations Department", []),
        ],
    ),
    (
        "somu",
        "総務部",
        "General Affairs Division",
        [
            (
                "somu-ka",
                "総務課",
                "General Affairs Department",
                [
                    ("bunsho-kakari", "文書係", "Records Section"),
                ],
            ),
            ("jinji-ka", "人事課", "Personnel Department", []),
            ("keirikanzai-ka", "経理管財課", "Accounting and Property Department", []),
        ],
    ),
    (
        "kumin",
        "区民部",
        "Residents Division",
        [
            (
                "kosekijumin-ka",
                "戸籍住民課",
                "Family Register and Resident Records Department",
                [
                    ("jumin-kiroku-kakari", "住民記録係", "Resident Records Section"),
                    ("koseki-kakari", "戸籍係", "Family Register Section"),
                ],
            ),
            ("kazei-ka", "課税課", "Taxation Department", []),
            ("nozei-ka", "納税課", "Tax Collection Department", []),
            (
                "kokuhonenkin-ka",
                "国保年金課",
                "National Health Insurance and Pension Department",
                [],
            ),
        ],
    ),
    (
        "fukushi",
        "福祉部",
        "Welfare Division",
        [
            ("fukushikanri-ka", "福祉管理課", "Welfare Administration Department", []),
            ("shogaifukushi-ka", "障害福祉課", "Disability Welfare Department", []),
            ("kaigohoken-ka", "介護保険課", "Long-term Care Insurance Department", []),
        ],
    ),
    (
        "kenko",
        "健康政策部",
        "Health Policy Division",
        [
            ("seikatsueisei-ka", "生活衛生課", "Environmental Health Department", []),
        ],
    ),
    (
        "kodomo",
        "こども家庭部",
        "Children and Families Division",
        [
            (
                "kosodateshien-ka",
                "子育て支援課",
                "Child-rearing Support Department",
                [
                    ("teate-kakari", "手当係", "Allowances Section"),
                ],
            ),
            (
                "hoikuservice-ka",
                "保育サービス課",
                "Childcare Services Department",
                [
                    ("nyuen-kakari", "入園係", "Nursery Admission Section"),
                ],
            ),
        ],
    ),
    (
        "kankyo",
        "環境清掃部",
        "Environment and Sanitation Division",
        [
            ("kankyokeikaku-ka", "環境計画課", "Environmental Planning Department", []),
            (
                "seiso-ka",
                "清掃事業課",
                "Sanitation Services Department",
                [
                    ("sodaigomi-kakari", "粗大ごみ係", "Bulky Waste Section"),
                ],
            ),
        ],
    ),
    (
        "toshikiban",
        "都市基盤整備部",
        "Urban Infrastructure Division",
        [
            (
                "dorokoen-ka",
                "道路公園課",
                "Roads and Parks Department",
                [
                    ("doro-kanri-kakari", "道路管理係", "Road Management Section"),
                ],
            ),
        ],
    ),
    (
        "chiikiryoku",
        "地域力推進部",
        "Community Empowerment Division",
        [
            (
                "chiikiryoku-ka",
                "地域力推進課",
                "Community Empowerment Department",
                [
                    ("shisetsu-kakari", "施設係", "Community Facilities Section"),
                ],
            ),
        ],
    ),
]


@transaction.atomic
def load() -> None:
    municipality, _ = Municipality.objects.get_or_create(
        code="131113",
        defaults={
            "name_ja": "大田区",
            "name_en": "Ota City",
            "prefecture_ja": "東京都",
            "prefecture_en": "Tokyo",
            "is_sample_data": True,
        },
    )
    for div_order, (div_code, div_ja, div_en, departments) in enumerate(OTA_ORGANISATION):
        division = _unit(
            municipality, None, OrgUnit.Level.DIVISION, div_code, div_ja, div_en, div_order
        )
        for dept_order, (dept_code, dept_ja, dept_en, sections) in enumerate(departments):
            department = _unit(
                municipality,
                division,
                OrgUnit.Level.DEPARTMENT,
                dept_code,
                dept_ja,
                dept_en,
                dept_order,
            )
            for sec_order, (sec_code, sec_ja, sec_en) in enumerate(sections):
                _unit(
                    municipality,
                    department,
                    OrgUnit.Level.SECTION,
                    sec_code,
                    sec_ja,
                    sec_en,
                    sec_order,
                )


def _unit(
    municipality: Municipality,
    parent: OrgUnit | None,
    level: str,
    code: str,
    name_ja: str,
    name_en: str,
    order: int,
) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(
        municipality=municipality,
        code=code,
        defaults={
            "parent": parent,
            "level": level,
            "name_ja": name_ja,
            "name_en": name_en,
            "sort_order": order,
        },
    )
    return unit
