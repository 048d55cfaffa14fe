"""What a demo sample application is (sample data), and the answers several forms share.

A sample names the procedure, the demo account that applies, a function giving its answers
(called when the demo loads, so dates stay in the future) and the steps staff and the
resident take afterwards. demo_applications.load() files them through the services residents
and staff use; the tables are in demo_samples_benefits, _children and _living.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from jichitai.core.japanese.calendar import add_business_days
from jichitai.procedures.models import ApplicationStatus as S

# A tiny PDF standing in for the scanned documents (demo only; not a real document).
SAMPLE_PDF = b"%PDF-1.4\n% Jichitai sample document (demo data, not a real document)\n%%EOF\n"

# A resident answering a correction request (補正に回答): the application goes back to review.
ANSWER_CORRECTION = "answer_correction"


@dataclass(frozen=True)
class Step:
    """One thing done to a sample after it is filed: by "clerk" or "approver" of the owning
    department (a move to `to`), or by "resident" (取下げ, or ANSWER_CORRECTION)."""

    actor: str
    to: str
    message: str = ""
    pages: tuple[str, ...] = ()  # a correction request's pages to fix (page ids)


@dataclass(frozen=True)
class Sample:
    key: str  # the Idempotency-Key the loader files it with: what makes loading idempotent
    procedure: str  # slug
    applicant: str  # demo account email
    answers: Callable[[], dict[str, Any]]
    steps: tuple[Step, ...] = ()
    note: str = ""  # an internal note; the clerk also takes the case on (担当者の割当て)
    status: str = field(init=False)

    def __post_init__(self) -> None:
        final: str = S.RECEIVED
        for step in self.steps:
            final = S.UNDER_REVIEW if step.to == ANSWER_CORRECTION else step.to
        object.__setattr__(self, "status", final)


def review(*then: Step) -> tuple[Step, ...]:
    """The clerk starts the review (審査開始), then the given steps follow."""
    return (Step("clerk", S.UNDER_REVIEW), *then)


APPROVE = Step("approver", S.APPROVED)
COMPLETE = Step("clerk", S.COMPLETED)
WITHDRAW = Step("resident", S.WITHDRAWN)


def correction(message: str, *pages: str) -> Step:
    return Step("clerk", S.CORRECTION_REQUESTED, message, pages)


def rejection(reason: str) -> Step:
    return Step("approver", S.REJECTED, reason)


def document(name: str = "sample.pdf") -> dict[str, str]:
    """A file answer, as the JSON API takes it."""
    return {"name": name, "content_base64": base64.b64encode(SAMPLE_PDF).decode()}


def business_days_ahead(days: int) -> str:
    return add_business_days(timezone.localdate(), days).isoformat()


def first_of_month_ahead(months: int) -> str:
    today = timezone.localdate()
    month = today.month - 1 + months
    return dt.date(today.year + month // 12, month % 12 + 1, 1).isoformat()


def name(family: str, given: str, family_kana: str, given_kana: str) -> dict[str, str]:
    return {
        "family": family,
        "given": given,
        "family_kana": family_kana,
        "given_kana": given_kana,
    }


# The demo residents (fictional; see accounts.demo).
PEOPLE = {
    "resident@example.jp": name("大田", "花子", "オオタ", "ハナコ"),
    "resident2@example.jp": name("蒲田", "次郎", "カマタ", "ジロウ"),
    "resident3@example.jp": name("大森", "三奈", "オオモリ", "ミナ"),
}
ADDRESS = {"postal_code": "1440000", "address": "東京都大田区例町一丁目2番3号（サンプル）"}
PHONE = "0312345678"


def applicant(email: str) -> dict[str, Any]:
    """Answers to the shared applicant page (demo_forms.APPLICANT_PAGE)."""
    return {"name": PEOPLE[email], "address": ADDRESS, "phone": PHONE}


def bank_account(email: str) -> dict[str, str]:
    person = PEOPLE[email]
    return {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "ordinary",
        "account_number": "1234567",
        "holder_kana": f"{person['family_kana']} {person['given_kana']}",
    }
