"""Spotting personal data (個人情報) in a table before it is published.

Publication is blocked while a column looks personal, until a staff member with the right
role clears it with a reason. What counts:

- any cell holding a 12-digit number with a valid My Number (個人番号) check digit;
- a column whose label names personal data (氏名, 担当者, 生年月日, 自宅 …);
- a column whose values mostly look like e-mail addresses or phone numbers;
- in free text (備考, 説明, any column the matched standard leaves untyped, every column of a
  table no standard matched): an e-mail address, a mobile phone number (060/070/080/090), a
  name with an honorific (「大田 太郎様」), a name listed in a column the label says is a
  person, or an address given in care of a person (「…様方」).

The typed columns of a matched standard data set (a facility's public telephone, its mail
address, its address, …) are public by definition and only checked for My Numbers: a
facility's 電話番号 is not personal data, but a mobile number in its 備考 may be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext_lazy

PERSONAL_LABEL_WORDS = (
    "氏名",
    "名前",
    "担当者",
    "代表者",
    "申請者",
    "生年月日",
    "年齢",
    "性別",
    "個人番号",
    "マイナンバー",
    "自宅",
    "現住所",
    "携帯",
)
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$|^0[0-9]{9,10}$"
SHARE = 0.3  # Of non-empty cells, for a column to "look like" e-mail or phone numbers.
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
SAMPLE_ROWS = 5  # row numbers kept per finding, for staff to look at

# Inside free text. polars runs these (Rust regex: no look-behind, hence the edges).
EMAIL_IN_TEXT = r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
# Addresses of public bodies (lg.jp, go.jp) are registered to institutions, not persons.
PUBLIC_EMAIL = re.compile(r"@([A-Za-z0-9-]+\.)*(lg|go)\.jp\b", re.IGNORECASE)
# Half- or full-width digits (０９０－１２３４－５６７８ is common in Japanese text).
MOBILE_IN_TEXT = (
    r"(^|[^0-9０-９])[0０][6-9６-９][0０][-‐ー－ 　]?[0-9０-９]{4}[-‐ー－ 　]?[0-9０-９]{4}"
    r"([^0-9０-９]|$)"
)
# A name then an honorific: 「大田 太郎様」「山田花子さん」「大田 はなこさん」 (kana only after
# a space: 「公園でみなさん」 is no name). Words for roles (利用者様, 市長様) end in one of
# STOP and are not names.
HONORIFIC_HINT = "様|さん|殿"
NAME_WITH_HONORIFIC = re.compile(
    r"(?<![\u4e00-\u9fff々])([\u4e00-\u9fff々]{1,4}"
    r"(?:[ 　][\u4e00-\u9fff々ぁ-ゖァ-ヺ]{1,4}|[\u4e00-\u9fff々]{1,3}))(?:様|さん|殿)"
)
STOP = frozenset("々者員係課所館長方皆客家族各位様中団会社部局室署校園")
CARE_OF = r"[0-9０-９丁目番地号].{0,20}様方"


REASONS = {
    "my_number": gettext_lazy("個人番号（マイナンバー）と同じ形の12桁の数字があります"),
    "label": gettext_lazy("列名が個人の情報を示しています"),
    "email": gettext_lazy("メールアドレスのような値が多くあります"),
    "phone": gettext_lazy("電話番号のような値が多くあります"),
    "email_in_text": gettext_lazy("個人のメールアドレスのような記載があります"),
    "mobile_in_text": gettext_lazy("携帯電話の番号のような記載があります"),
    "name_in_text": gettext_lazy("個人の氏名のような記載があります"),
    "address_in_text": gettext_lazy("個人の住所（〇〇様方）のような記載があります"),
}


@dataclass(frozen=True)
class PersonalDataFinding:
    column: int  # 1-based
    label: str
    reason: str  # a key of REASONS
    example_row: int
    # The first rows where it was seen (the header is row 1), and in how many rows.
    rows: tuple[int, ...] = field(default=())
    count: int = 1

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


def _finding(number: int, label: str, reason: str, indexes: list[int], first_row: int):
    rows = tuple(index + first_row for index in indexes[:SAMPLE_ROWS])
    return PersonalDataFinding(number + 1, label, reason, rows[0], rows, len(indexes))


def _where(mask: pl.Series) -> list[int]:
    return mask.fill_null(False).arg_true().to_list()


def _filtered(column: pl.Series, candidates: list[int], keep) -> list[int]:  # type: ignore[no-untyped-def]
    """Rows a vectorised pattern picked, narrowed with Python (look-behind, stop words)."""
    return [index for index in candidates if keep(column[index])]


def _personal_email(cell: str) -> bool:
    found = re.finditer(EMAIL_IN_TEXT, cell)
    return any(not PUBLIC_EMAIL.search(match.group(0)) for match in found)


def _name_with_honorific(cell: str) -> bool:
    return any(match.group(1)[-1] not in STOP for match in NAME_WITH_HONORIFIC.finditer(cell))


def _person_names(frame: pl.DataFrame, columns: list[int]) -> list[str]:
    """Values of the columns whose label says they hold persons: other free text that
    repeats them names a person too. Short values (一, 山) would match everywhere."""
    names: set[str] = set()
    for number in columns:
        values = frame[f"c{number}"].drop_nulls().unique().head(5000).to_list()
        names.update(value.strip() for value in values if len(value.strip()) >= 3)
    return sorted(names)


def _free_text_findings(
    column: pl.Series, number: int, label: str, names: list[str], first_row: int
) -> list[PersonalDataFinding]:
    findings = []
    emails = _where(column.str.contains(EMAIL_IN_TEXT))
    if emails := _filtered(column, emails, _personal_email):
        findings.append(_finding(number, label, "email_in_text", emails, first_row))
    if mobiles := _where(column.str.contains(MOBILE_IN_TEXT)):
        findings.append(_finding(number, label, "mobile_in_text", mobiles, first_row))
    named = _where(column.str.contains(HONORIFIC_HINT))
    named = _filtered(column, named, _name_with_honorific)
    if names:
        spaced = column.str.replace_all("　", " ", literal=True)
        named = sorted({*named, *_where(spaced.str.contains_any(names))})
    if named:
        findings.append(_finding(number, label, "name_in_text", named, first_row))
    if cared := _where(column.str.contains(CARE_OF)):
        findings.append(_finding(number, label, "address_in_text", cared, first_row))
    return findings


def find_personal_data(
    frame: pl.DataFrame,
    labels: list[str],
    *,
    standard_columns: frozenset[int] = frozenset(),
    typed_columns: frozenset[int] = frozenset(),
    first_row: int = 2,
) -> list[PersonalDataFinding]:
    """Findings per column and reason. Columns are numbered from 0 in `standard_columns`
    (defined by the matched standard: public by definition, their labels trusted) and
    `typed_columns` (those the standard types or constrains: not read as free text)."""
    findings = []
    person_columns = [
        number
        for number, label in enumerate(labels)
        if number not in standard_columns and any(word in label for word in PERSONAL_LABEL_WORDS)
    ]
    names = [name.replace("　", " ") for name in _person_names(frame, person_columns)]
    for number, label in enumerate(labels):
        column = frame[f"c{number}"]
        twelve = _where(column.str.contains(r"(^|[^0-9])[0-9]{12}([^0-9]|$)"))
        my_numbers = _filtered(
            column, twelve, lambda cell: any(map(is_my_number, TWELVE_DIGITS.findall(cell)))
        )
        if my_numbers:
            findings.append(_finding(number, label, "my_number", my_numbers, first_row))
        if number in person_columns:
            filled = _where(column.str.strip_chars() != "")
            if filled:
                findings.append(_finding(number, label, "label", filled, first_row))
            else:
                findings.append(PersonalDataFinding(number + 1, label, "label", first_row))
            continue
        if number not in standard_columns:
            present = column.filter(column.is_not_null() & (column != ""))
            for reason, pattern in (("email", EMAIL), ("phone", PHONE)):
                if present.is_empty():
                    break
                share = present.str.contains(pattern).mean()
                if share is not None and float(share) >= SHARE:  # type: ignore[arg-type]
                    rows = _where(column.str.contains(pattern))
                    findings.append(_finding(number, label, reason, rows, first_row))
                    break
            else:
                findings += _free_text_findings(column, number, label, names, first_row)
            continue
        if number not in typed_columns:
            findings += _free_text_findings(column, number, label, names, first_row)
    return findings
