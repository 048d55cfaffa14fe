"""Sample applications for the demo (sample data): the cash benefit in every state, so that the
back office, the history and "my applications" have something to show. Made through the same
services residents and staff use, so they carry receipts, audit entries and history."""

from __future__ import annotations

import base64
from typing import Any

from jichitai.accounts.models import User
from jichitai.procedures.models import Procedure
from jichitai.procedures.services import casework, direct, resident_actions, review

# A tiny PDF standing in for the scanned documents (demo only; not a real document).
SAMPLE_PDF = b"%PDF-1.4\n% Jichitai sample document (demo data, not a real document)\n%%EOF\n"

# (resident, household reference, head's name, [members], [(actor, to-state, message)])
SAMPLES: list[tuple[str, str, tuple[str, str, str, str], int, list[tuple[str, str, str]]]] = [
    ("resident@example.jp", "1311-1300-01", ("大田", "花子", "オオタ", "ハナコ"), 2, []),
    (
        "resident2@example.jp",
        "1311-1300-02",
        ("蒲田", "次郎", "カマタ", "ジロウ"),
        0,
        [("clerk", "under_review", "")],
    ),
    (
        "resident3@example.jp",
        "1311-1300-03",
        ("大森", "三奈", "オオモリ", "ミナ"),
        1,
        [
            ("clerk", "under_review", ""),
            (
                "clerk",
                "correction_requested",
                "口座確認書類の口座名義が読み取れません。名義がわかる部分の写しを添付してください。（サンプル）",
            ),
        ],
    ),
    (
        "resident@example.jp",
        "1311-1300-04",
        ("大田", "花子", "オオタ", "ハナコ"),
        1,
        [("clerk", "under_review", ""), ("approver", "approved", "")],
    ),
    (
        "resident2@example.jp",
        "1311-1300-05",
        ("蒲田", "次郎", "カマタ", "ジロウ"),
        0,
        [
            ("clerk", "under_review", ""),
            ("approver", "approved", ""),
            ("clerk", "completed", ""),
        ],
    ),
    (
        "resident3@example.jp",
        "1311-1300-06",
        ("大森", "三奈", "オオモリ", "ミナ"),
        0,
        [
            ("clerk", "under_review", ""),
            (
                "approver",
                "rejected",
                "基準日に区の住民基本台帳に記録がないため、給付の対象になりません。（サンプル）",
            ),
        ],
    ),
    (
        "resident2@example.jp",
        "1311-1300-07",
        ("蒲田", "次郎", "カマタ", "ジロウ"),
        0,
        [("resident", "withdrawn", "")],
    ),
]

MEMBERS = [
    {
        "name": {
            "family": "大田",
            "given": "一郎",
            "family_kana": "オオタ",
            "given_kana": "イチロウ",
        },
        "relation": "spouse",
        "birth_date": "1978-11-03",
        "wants_benefit": "yes",
    },
    {
        "name": {"family": "大田", "given": "空", "family_kana": "オオタ", "given_kana": "ソラ"},
        "relation": "child",
        "birth_date": "2015-04-10",
        "wants_benefit": "yes",
    },
]


def cash_benefit_answers(
    household_ref: str, head: tuple[str, str, str, str], members: int
) -> dict[str, Any]:
    """Complete answers to the cash benefit form (also used by `make bench B=surge`)."""
    family, given, family_kana, given_kana = head
    document = {"name": "sample.pdf", "content_base64": base64.b64encode(SAMPLE_PDF).decode()}
    return {
        "household_ref": household_ref,
        "is_head": "yes",
        "name": {
            "family": family,
            "given": given,
            "family_kana": family_kana,
            "given_kana": given_kana,
        },
        "birth_date": "1980-05-05",
        "address": {
            "postal_code": "1448621",
            "address": "東京都大田区蒲田五丁目13番14号（サンプル）",
        },
        "phone": "0357441111",
        "members": MEMBERS[:members],
        "bank_account": {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "ordinary",
            "account_number": "1234567",
            "holder_kana": f"{family_kana} {given_kana}",
        },
        "identity_document": document,
        "account_document": document,
    }


def load() -> None:
    """Idempotent: each sample has its own Idempotency-Key, so a second run finds it made."""
    procedure = Procedure.objects.filter(slug="rinji-kyufukin", live_form__isnull=False).first()
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.jp")}
    staff = {"clerk": people.get("clerk@example.jp"), "approver": people.get("approver@example.jp")}
    if procedure is None or None in staff.values():
        return
    for member in staff.values():
        # The loader acts as these staff after their second factor, as a signed-in request is.
        member.is_verified = lambda: True  # type: ignore[union-attr]
    for number, (email, reference, head, members, moves) in enumerate(SAMPLES, start=1):
        resident = people.get(email)
        if resident is None:
            continue
        application, created = direct.submit_answers(
            resident,
            procedure,
            cash_benefit_answers(reference, head, members),
            f"demo-sample-{number:03}",
        )
        if not created:
            continue
        for actor, to_status, message in moves:
            if actor == "resident":
                resident_actions.withdraw(resident, application)
            else:
                application = review.move(staff[actor], application, to_status, message=message)
        if number == 1:
            # Casework samples: one case taken on by the clerk, with an internal note.
            casework.assign(staff["clerk"], application, staff["clerk"])
            casework.add_note(
                staff["clerk"], application, "世帯主の口座名義を通帳の写しで確認済み。"
            )
