"""Sample applications (sample data) for the procedures of demo_forms_benefits: the cash
benefit in every state, 住民票の写しの郵送請求 (by residents who verified their identity) and
道路占用許可申請 (by a fictional company). Childcare's are in demo_samples_children."""

from __future__ import annotations

from typing import Any

from jichitai.procedures.demo_samples import (
    ADDRESS,
    APPROVE,
    COMPLETE,
    PEOPLE,
    PHONE,
    WITHDRAW,
    Sample,
    applicant,
    business_days_ahead,
    correction,
    document,
    name,
    rejection,
    review,
)

MEMBERS = [
    {
        "name": name("大田", "一郎", "オオタ", "イチロウ"),
        "relation": "spouse",
        "birth_date": "1978-11-03",
        "wants_benefit": "yes",
    },
    {
        "name": name("大田", "空", "オオタ", "ソラ"),
        "relation": "child",
        "birth_date": "2015-04-10",
        "wants_benefit": "yes",
    },
]


def cash_benefit_answers(
    household_ref: str, head: tuple[str, str, str, str], members: int
) -> dict[str, Any]:
    """Complete answers to the cash benefit form (also used by `make bench B=surge`)."""
    return {
        "household_ref": household_ref,
        "is_head": "yes",
        "name": name(*head),
        "birth_date": "1980-05-05",
        "address": ADDRESS,
        "phone": PHONE,
        "members": MEMBERS[:members],
        "bank_account": {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "ordinary",
            "account_number": "1234567",
            "holder_kana": f"{head[2]} {head[3]}",
        },
        "identity_document": document(),
        "account_document": document(),
    }


def _benefit(number: int, email: str, members: int, *steps: Any, note: str = "") -> Sample:
    person = PEOPLE[email]
    head = (person["family"], person["given"], person["family_kana"], person["given_kana"])
    return Sample(
        f"demo-sample-{number:03}",  # the keys the first demo used: older databases keep theirs
        "rinji-kyufukin",
        email,
        lambda: cash_benefit_answers(f"1311-1300-{number:02}", head, members),
        tuple(steps),
        note,
    )


CASH_BENEFIT = [
    _benefit(1, "resident@example.jp", 2, note="世帯主の口座名義を通帳の写しで確認済み。"),
    _benefit(2, "resident2@example.jp", 0, *review()),
    _benefit(
        3,
        "resident3@example.jp",
        1,
        *review(
            correction(
                "「確認書類」のページの口座確認書類で、口座名義が読み取れません。"
                "名義がわかる部分の写しを添付してください。（サンプル）",
                "documents",
            )
        ),
    ),
    _benefit(4, "resident@example.jp", 1, *review(APPROVE)),
    _benefit(5, "resident2@example.jp", 0, *review(APPROVE, COMPLETE)),
    _benefit(
        6,
        "resident3@example.jp",
        0,
        *review(
            rejection(
                "基準日に区の住民基本台帳に記録がないため、給付の対象になりません。（サンプル）"
            )
        ),
    ),
    _benefit(7, "resident2@example.jp", 0, WITHDRAW),
]


def _juminhyo(email: str, scope: str, purpose: str) -> dict[str, Any]:
    return {
        **applicant(email),
        "scope": scope,
        "items": ["relation"],
        "copies": 1,
        "purpose": purpose,
    }


JUMINHYO = [
    Sample(
        "demo-juminhyo-yuso-1",
        "juminhyo-yuso",
        "resident2@example.jp",
        lambda: _juminhyo("resident2@example.jp", "all", "勤務先への提出（サンプル）"),
        review(APPROVE, COMPLETE),
    ),
    Sample(
        "demo-juminhyo-yuso-2",
        "juminhyo-yuso",
        "resident3@example.jp",
        lambda: _juminhyo("resident3@example.jp", "me", "運転免許の更新（サンプル）"),
    ),
]


COMPANY = {
    "company_name": "株式会社おおた例建設（サンプル）",
    "contact": name("羽田", "工", "ハネダ", "タクミ"),
    "address": {"postal_code": "1440000", "address": "東京都大田区例町三丁目4番5号（サンプル）"},
    "phone": "0398765432",
    "email": "business@example.jp",
}


def _road(kind: str, location: str, area: int, days: int) -> dict[str, Any]:
    return {
        **COMPANY,
        "kind": kind,
        "location": location,
        "area_m2": area,
        "from_date": business_days_ahead(days),
        "to_date": business_days_ahead(days + 40),
        "location_map": document("location-map.pdf"),
        "structure": document("structure.pdf"),
    }


DORO_SENYO = [
    Sample(
        "demo-doro-senyo-1",
        "doro-senyo",
        "business@example.jp",
        lambda: _road("scaffold", "大田区例町一丁目地先の区道（サンプル）", 12, 20),
        review(APPROVE),
    ),
    Sample(
        "demo-doro-senyo-2",
        "doro-senyo",
        "business@example.jp",
        lambda: _road("sign", "大田区例町二丁目地先の区道（サンプル）", 2, 25),
        review(
            correction(
                "「図面」のページの構造図に、看板の寸法と地面からの高さが書かれていません。"
                "寸法を記入した図面を添付し直してください。（サンプル）",
                "drawings",
            )
        ),
    ),
    Sample(
        "demo-doro-senyo-3",
        "doro-senyo",
        "business@example.jp",
        lambda: _road("other", "大田区例町三丁目地先の区道（サンプル）", 30, 15),
        review(
            rejection(
                "申請の場所では歩道の有効幅員（2メートル）を確保できないため、"
                "占用を許可できません。（サンプル）"
            )
        ),
    ),
]

SAMPLES = [*CASH_BENEFIT, *JUMINHYO, *DORO_SENYO]
