"""Sample applications (sample data) for the childcare procedures of demo_forms_benefits:
児童手当の認定請求 and 保育施設の入園申込み (with the household's members), by residents who
verified their identity."""

from __future__ import annotations

from typing import Any

from jichitai.procedures.demo_samples import (
    APPROVE,
    PEOPLE,
    Sample,
    applicant,
    bank_account,
    correction,
    document,
    first_of_month_ahead,
    name,
    review,
)


def _child_allowance(email: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        **applicant(email),
        "children": children,
        "pension": "kosei",
        "bank_account": bank_account(email),
    }


JIDO_TEATE = [
    Sample(
        "demo-jido-teate-1",
        "jido-teate",
        "resident2@example.jp",
        lambda: _child_allowance(
            "resident2@example.jp",
            [
                {
                    "name": name("蒲田", "陽菜", "カマタ", "ヒナ"),
                    "birth_date": "2019-07-07",
                    "lives_with": "yes",
                }
            ],
        ),
        review(
            correction(
                "「振込先」のページの口座の名義が請求者と異なるようです。"
                "請求者ご本人の名義の口座を入力してください。（サンプル）",
                "payment",
            )
        ),
    ),
    Sample(
        "demo-jido-teate-2",
        "jido-teate",
        "resident3@example.jp",
        lambda: _child_allowance(
            "resident3@example.jp",
            [
                {
                    "name": name("大森", "湊", "オオモリ", "ミナト"),
                    "birth_date": "2012-10-01",
                    "lives_with": "yes",
                },
                {
                    "name": name("大森", "結衣", "オオモリ", "ユイ"),
                    "birth_date": "2016-03-15",
                    "lives_with": "yes",
                },
            ],
        ),
        review(APPROVE),
    ),
]


def _nursery(email: str, child: dict[str, str], household: list[tuple[Any, ...]]) -> dict:
    return {
        **applicant(email),
        "child_name": child,
        "child_birth_date": "2025-02-20",
        "start_month": first_of_month_ahead(2),
        "preferences": "第1希望：例町保育園（サンプル）\n第2希望：例町第二保育園（サンプル）",
        "household": [
            {"name": person, "relation": relation, "need": need}
            for person, relation, need in household
        ],
        "employment_certificate": document("employment.pdf"),
    }


HOIKU = [
    Sample(
        "demo-hoiku-nyuen-1",
        "hoiku-nyuen",
        "resident3@example.jp",
        lambda: _nursery(
            "resident3@example.jp",
            name("大森", "蓮", "オオモリ", "レン"),
            [
                (PEOPLE["resident3@example.jp"], "mother", "work"),
                (name("大森", "健", "オオモリ", "ケン"), "father", "work"),
                (name("大森", "湊", "オオモリ", "ミナト"), "sibling", "none"),
            ],
        ),
    ),
    Sample(
        "demo-hoiku-nyuen-2",
        "hoiku-nyuen",
        "resident2@example.jp",
        lambda: _nursery(
            "resident2@example.jp",
            name("蒲田", "葵", "カマタ", "アオイ"),
            [
                (PEOPLE["resident2@example.jp"], "father", "work"),
                (name("蒲田", "美咲", "カマタ", "ミサキ"), "mother", "study"),
                (name("蒲田", "トメ", "カマタ", "トメ"), "grandparent", "none"),
            ],
        ),
        review(),
    ),
]

SAMPLES = [*JIDO_TEATE, *HOIKU]
