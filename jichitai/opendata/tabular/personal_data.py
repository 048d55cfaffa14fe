"""Spotting personal data (個人情報) in a table before it is published.

Publication is blocked while a column looks personal, until a staff member with the right
role clears it with a reason. What counts:

- any cell holding a 12-digit number with a valid My Number (個人番号) check digit;
- a column whose label names personal data (氏名, 生年月日, 個人の住所 …);
- a column whose values mostly look like e-mail addresses or phone numbers.

The columns a matched standard data set defines (a facility's public address, telephone,
mail address, target ages …) are public by definition and only checked for My Numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_lazy

PERSONAL_LABEL_WORDS = (
    "氏名",
    "名前",
    "生年月日",
    "年齢",
    "性別",
    "個人番号",
    "マイナンバー",
    "自宅",
)
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$|^0[0-9]{9,10}$"
SHARE = 0.3  # Of non-empty cells, for a column to "look like" e-mail or phone numbers.
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


REASONS = {
    "my_number": gettext_lazy("個人番号（マイナンバー）と同じ形の12桁の数字があります"),
    "label": gettext_lazy("列名が個人の情報を示しています"),
    "email": gettext_lazy("メールアドレスのような値が多くあります"),
    "phone": gettext_lazy("電話番号のような値が多くあります"),
}


@dataclass(frozen=True)
class PersonalDataFinding:
    column: int  # 1-based
    label: str
    reason: str  # my_number, label, email, phone
    example_row: int

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])


def is_my_number(digits: str) -> bool:
    """The check digit rule of the individual number (個人番号): weights 2–7 then 2–6 from the
    right over the first eleven digits."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in digits[:11]]
    total = 0
    for n in range(1, 12):
        weight = n + 1 if n <= 6 else n - 5
        total += body[11 - n] * weight
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def find_personal_data(
    frame: pl.DataFrame,
    labels: list[str],
    *,
    public_columns: frozenset[str] = frozenset(),
    first_row: int = 2,
) -> list[PersonalDataFinding]:
    findings = []
    for number, label in enumerate(labels):
        column = frame[f"c{number}"]
        present = column.filter(column.is_not_null() & (column != ""))
        twelve = column.str.contains(r"(^|[^0-9])[0-9]{12}([^0-9]|$)").fill_null(False)
        for index in twelve.arg_true().to_list():
            if any(is_my_number(match) for match in TWELVE_DIGITS.findall(column[index])):
                findings.append(
                    PersonalDataFinding(number + 1, label, "my_number", index + first_row)
                )
                break
        if label in public_columns:
            continue
        if any(word in label for word in PERSONAL_LABEL_WORDS):
            findings.append(PersonalDataFinding(number + 1, label, "label", first_row))
            continue
        if present.is_empty():
            continue
        for reason, pattern in (("email", EMAIL), ("phone", PHONE)):
            looks = present.str.contains(pattern)
            if looks.mean() is not None and float(looks.mean()) >= SHARE:  # type: ignore[arg-type]
                first = column.str.contains(pattern).fill_null(False).arg_true()[0]
                findings.append(PersonalDataFinding(number + 1, label, reason, first + first_row))
                break
    return findings
