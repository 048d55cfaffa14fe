"""Checking one page of answers against the form document, the way residents type them.

Input is what an HTML form posts (a QueryDict-like mapping; compound answers use dotted names:
`address.postal_code`, `members.0.name.family`) plus uploaded files. Output is clean values
ready to store, or errors keyed by the field name they belong to, each with a stable code and
a message in the active language. Digits and kana are normalised where residents may type
either width: ０３ and 03 are the same number, ﾀﾛｳ and たろう are the same furigana.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.plain_text import has_control_characters
from jichitai.procedures.formdoc.rendering import row_of
from jichitai.procedures.formdoc.schema import MAX_GROUP_ITEMS, Page, Question

Value = Any
DEFAULT_MAX_TEXT = {"short_text": 200, "long_text": 4000}
DEFAULT_MAX_FILE_MB = 10


class PostedData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...
    def __iter__(self) -> Any: ...


@dataclass(frozen=True)
class FieldError:
    code: str
    message: str


@dataclass(frozen=True)
class UploadCandidate:
    """An uploaded file whose content passed the checks; the caller stores it."""

    file: Any
    content_type: str
    size: int


@dataclass
class PageAnswers:
    values: dict[str, Value] = field(default_factory=dict)
    errors: dict[str, list[FieldError]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, name: str, code: str, message: str) -> None:
        self.name, self.code, self.message = name, code, message


def clean_page(
    page: Page,
    data: PostedData,
    files: Mapping[str, Any] | None = None,
    kept_files: Mapping[str, Any] | None = None,
) -> PageAnswers:
    """Check every question on `page`; return the clean values or the errors.

    `kept_files` holds file answers stored earlier: a page sent again without a new file keeps
    the one already uploaded.
    """
    result = PageAnswers()
    for question in page.questions:
        if (
            question.type == "file"
            and not (files or {}).get(question.id)
            and question.id in (kept_files or {})
        ):
            result.values[question.id] = (kept_files or {})[question.id]
            continue
        _clean_into(result, question, question.id, data, files or {})
    return result


def _clean_into(
    result: PageAnswers, question: Question, name: str, data: PostedData, files: Mapping[str, Any]
) -> None:
    try:
        if question.type == "group":
            value = _clean_group(result, question, name, data)
        else:
            value = _CLEANERS[question.type](question, name, data, files)
    except _Invalid as invalid:
        result.errors.setdefault(invalid.name, []).append(FieldError(invalid.code, invalid.message))
        return
    if value is not None:
        result.values[question.id] = value


# --- helpers --------------------------------------------------------------------------------


def _text(data: PostedData, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _required(question: Question, name: str, *, choose: bool = False) -> None:
    if question.required:
        message = _("選んでください。") if choose else _("入力してください。")
        raise _Invalid(name, "required", message)


def _digits(text: str) -> str:
    """Full-width digits to half-width; hyphens, dashes and spaces removed."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-‐‑–—―ー−]", "", text)


def _check_length(question: Question, name: str, text: str) -> None:
    maximum = question.max_length or DEFAULT_MAX_TEXT.get(question.type, 200)
    if len(text) > maximum:
        raise _Invalid(
            name, "too_long", _("%(max)d文字以内で入力してください。") % {"max": maximum}
        )
    if question.min_length and len(text) < question.min_length:
        raise _Invalid(
            name,
            "too_short",
            _("%(min)d文字以上で入力してください。") % {"min": question.min_length},
        )


def _plain_text(question: Question, name: str, text: str, *, multiline: bool) -> str:
    if has_control_characters(text) or (not multiline and ("\n" in text or "\r" in text)):
        raise _Invalid(name, "invalid_characters", _("使えない文字が含まれています。"))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    _check_length(question, name, text)
    return text


# --- cleaners by type -----------------------------------------------------------------------


def _short_text(question: Question, name: str, data: PostedData, files: Any) -> Value:
    text = _text(data, name)
    if not text:
        return _required(question, name)
    return _plain_text(question, name, text, multiline=False)


def _long_text(question: Question, name: str, data: PostedData, files: Any) -> Value:
    text = _text(data, name)
    if not text:
        return _required(question, name)
    return _plain_text(question, name, text, multiline=True)


def _number(question: Question, name: str, data: PostedData, files: Any) -> Value:
    text = _digits(_text(data, name)).replace(",", "")
    if not text:
        return _required(question, name)
    if not re.fullmatch(r"-?\d{1,15}", text):
        raise _Invalid(name, "invalid_number", _("数字で入力してください。"))
    number = int(text)
    if question.min_value is not None and number < question.min_value:
        raise _Invalid(
            name,
            "too_small",
            _("%(min)d以上の数を入力してください。") % {"min": question.min_value},
        )
    if question.max_value is not None and number > question.max_value:
        raise _Invalid(
            name,
            "too_large",
            _("%(max)d以下の数を入力してください。") % {"max": question.max_value},
        )
    return number


def _limit_date(setting: str | None) -> dt.date | None:
    if setting is None:
        return None
    return timezone.localdate() if setting == "today" else dt.date.fromisoformat(setting)


def _date(question: Question, name: str, data: PostedData, files: Any) -> Value:
    parts = [_digits(_text(data, f"{name}.{part}")) for part in ("year", "month", "day")]
    if not any(parts):
        return _required(question, name)
    first_field = f"{name}.year"
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise _Invalid(first_field, "invalid_date", _("年・月・日を数字で入力してください。"))
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, OverflowError):  # OverflowError: a year of twenty digits
        raise _Invalid(first_field, "invalid_date", _("正しい日付を入力してください。")) from None
    earliest, latest = _limit_date(question.min_date), _limit_date(question.max_date)
    if earliest and day < earliest:
        raise _Invalid(
            first_field,
            "too_early",
            _("%(date)s以降の日付を入力してください。") % {"date": earliest.isoformat()},
        )
    if latest and day > latest:
        raise _Invalid(
            first_field,
            "too_late",
            _("%(date)s以前の日付を入力してください。") % {"date": latest.isoformat()},
        )
    return day.isoformat()


def _single_choice(question: Question, name: str, data: PostedData, files: Any) -> Value:
    chosen = _text(data, name)
    if not chosen:
        return _required(question, name, choose=True)
    if chosen not in {option.value for option in question.options}:
        raise _Invalid(name, "invalid_choice", _("選択肢から選んでください。"))
    return chosen


def _multiple_choice(question: Question, name: str, data: PostedData, files: Any) -> Value:
    chosen = [value for value in data.getlist(name) if isinstance(value, str) and value]
    if not chosen:
        return _required(question, name, choose=True)
    allowed = [option.value for option in question.options]
    if not set(chosen) <= set(allowed):
        raise _Invalid(name, "invalid_choice", _("選択肢から選んでください。"))
    return [value for value in allowed if value in chosen]  # the document's order, no repeats


def _yes_no(question: Question, name: str, data: PostedData, files: Any) -> Value:
    answer = _text(data, name)
    if not answer:
        return _required(question, name, choose=True)
    if answer not in {"yes", "no"}:
        raise _Invalid(name, "invalid_choice", _("「はい」か「いいえ」を選んでください。"))
    return answer


def _address(question: Question, name: str, data: PostedData, files: Any) -> Value:
    postal_code = _digits(_text(data, f"{name}.postal_code"))
    address = _text(data, f"{name}.address")
    if not postal_code and not address:
        return _required(question, f"{name}.postal_code")
    if not re.fullmatch(r"\d{7}", postal_code):
        raise _Invalid(
            f"{name}.postal_code",
            "invalid_postal_code",
            _("郵便番号は7桁の数字で入力してください（例：144-8621）。"),
        )
    if not address:
        raise _Invalid(f"{name}.address", "required", _("住所を入力してください。"))
    short = question.model_copy(update={"max_length": 200, "min_length": None})
    return {
        "postal_code": postal_code,
        "address": _plain_text(short, f"{name}.address", address, multiline=False),
    }


def _phone(question: Question, name: str, data: PostedData, files: Any) -> Value:
    raw = _text(data, name)
    if not raw:
        return _required(question, name)
    number = _digits(raw).replace("(", "").replace(")", "")
    if not re.fullmatch(r"0\d{9,10}", number):
        raise _Invalid(
            name, "invalid_phone", _("電話番号は0から始まる10桁か11桁の数字で入力してください。")
        )
    return number


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _email(question: Question, name: str, data: PostedData, files: Any) -> Value:
    address = unicodedata.normalize("NFKC", _text(data, name))
    if not address:
        return _required(question, name)
    if has_control_characters(address) or not _is_email(address):
        raise _Invalid(
            name,
            "invalid_email",
            _("メールアドレスを正しく入力してください（例：name@example.jp）。"),
        )
    if len(address) > 254:
        raise _Invalid(name, "too_long", _("%(max)d文字以内で入力してください。") % {"max": 254})
    return address


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA = re.compile(r"^[ァ-ヶー・ 　]+$")


def _kana(text: str) -> str:
    """Furigana in full-width katakana, whatever the resident typed."""
    text = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA)
    return " ".join(text.split())


def _name(question: Question, name: str, data: PostedData, files: Any) -> Value:
    parts = {
        part: _text(data, f"{name}.{part}")
        for part in ("family", "given", "family_kana", "given_kana")
    }
    if not any(parts.values()):
        return _required(question, f"{name}.family")
    short = question.model_copy(update={"max_length": 50, "min_length": None})
    value: dict[str, str] = {}
    for part in ("family", "given"):
        if not parts[part]:
            raise _Invalid(
                f"{name}.{part}",
                "required",
                _("姓を入力してください。") if part == "family" else _("名を入力してください。"),
            )
        value[part] = _plain_text(short, f"{name}.{part}", parts[part], multiline=False)
    for part in ("family_kana", "given_kana"):
        kana = _kana(parts[part])
        if not kana:
            raise _Invalid(f"{name}.{part}", "required", _("フリガナを入力してください。"))
        if not _KATAKANA.match(kana):
            raise _Invalid(
                f"{name}.{part}",
                "invalid_kana",
                _("フリガナはカタカナかひらがなで入力してください。"),
            )
        value[part] = _plain_text(short, f"{name}.{part}", kana, multiline=False)
    return value


def _consent(question: Question, name: str, data: PostedData, files: Any) -> Value:
    if _text(data, name) == "yes":
        return True
    if question.required:
        raise _Invalid(
            name, "consent_required", _("内容を確認し、同意する場合はチェックを入れてください。")
        )
    return None


ACCOUNT_TYPES = ("ordinary", "current", "savings")  # 普通・当座・貯蓄


def _bank_account(question: Question, name: str, data: PostedData, files: Any) -> Value:
    """A Japanese bank account for payments (振込先口座): 4-digit bank code (金融機関コード),
    3-digit branch code (店番), type, account number (up to 7 digits, kept zero-padded) and
    the holder's name in katakana as banks print it (口座名義)."""
    parts = {
        part: _text(data, f"{name}.{part}")
        for part in ("bank_code", "branch_code", "account_type", "account_number", "holder_kana")
    }
    if not any(parts.values()):
        return _required(question, f"{name}.bank_code")
    bank_code, branch_code = _digits(parts["bank_code"]), _digits(parts["branch_code"])
    if not re.fullmatch(r"\d{4}", bank_code):
        raise _Invalid(
            f"{name}.bank_code",
            "invalid_bank_code",
            _("金融機関コードは4桁の数字で入力してください（例：0001）。"),
        )
    if not re.fullmatch(r"\d{3}", branch_code):
        raise _Invalid(
            f"{name}.branch_code",
            "invalid_branch_code",
            _("支店コード（店番）は3桁の数字で入力してください（例：001）。"),
        )
    if parts["account_type"] not in ACCOUNT_TYPES:
        raise _Invalid(f"{name}.account_type", "invalid_choice", _("口座の種類を選んでください。"))
    number = _digits(parts["account_number"])
    if not re.fullmatch(r"\d{1,7}", number):
        raise _Invalid(
            f"{name}.account_number",
            "invalid_account_number",
            _("口座番号は7桁以内の数字で入力してください。"),
        )
    holder = _kana(parts["holder_kana"])
    if not holder:
        raise _Invalid(f"{name}.holder_kana", "required", _("口座名義を入力してください。"))
    if not _KATAKANA.match(holder) or len(holder) > 60:
        raise _Invalid(
            f"{name}.holder_kana",
            "invalid_kana",
            _("口座名義はカタカナで入力してください（60文字以内）。"),
        )
    return {
        "bank_code": bank_code,
        "branch_code": branch_code,
        "account_type": parts["account_type"],
        "account_number": number.zfill(7),
        "holder_kana": holder,
    }


# Accepted uploads, recognised by their first bytes (the name and the browser's claim are not
# trusted). No SVG or HTML (they can carry script) and no archives.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def check_upload(upload: Any, limit_mb: int = DEFAULT_MAX_FILE_MB) -> UploadCandidate | FieldError:
    """An accepted upload, or why it is refused (too large, or not a PDF, JPEG or PNG by its
    content). Used for form questions and for files sent with a correction."""
    if upload.size > limit_mb * 1024 * 1024:
        return FieldError(
            "file_too_large", _("ファイルは%(max)dMB以下にしてください。") % {"max": limit_mb}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        return FieldError("file_type", _("PDF、JPEG、PNGのファイルを選んでください。"))
    return UploadCandidate(file=upload, content_type=content_type, size=upload.size)


def _file(question: Question, name: str, data: PostedData, files: Mapping[str, Any]) -> Value:
    upload = files.get(name)
    if upload is None or not getattr(upload, "size", 0):
        return _required(question, name, choose=True)
    checked = check_upload(upload, question.max_size_mb or DEFAULT_MAX_FILE_MB)
    if isinstance(checked, FieldError):
        raise _Invalid(name, checked.code, checked.message)
    return checked


def _clean_group(result: PageAnswers, question: Question, name: str, data: PostedData) -> Value:
    """Repeated items (e.g. household members) posted as `<name>.<index>.<child>`; rows left
    entirely blank are dropped, so a page can offer empty rows to fill in."""
    indices = sorted({index for key in data if (index := row_of(key, name)) is not None})
    if indices and indices[-1] >= MAX_GROUP_ITEMS:
        raise _Invalid(name, "too_many_items", _("%(max)d件までです。") % {"max": MAX_GROUP_ITEMS})
    items: list[dict[str, Value]] = []
    for index in indices:
        item_prefix = f"{name}.{index}"
        posted = [data.get(key) for key in data if key.startswith(item_prefix + ".")]
        if not any(isinstance(value, str) and value.strip() for value in posted):
            continue
        item = PageAnswers()
        for child in question.questions:
            _clean_into(item, child, f"{item_prefix}.{child.id}", data, {})
        result.errors.update(item.errors)
        items.append(item.values)
    maximum = question.max_items or MAX_GROUP_ITEMS
    if len(items) > maximum:
        raise _Invalid(name, "too_many_items", _("%(max)d件までです。") % {"max": maximum})
    minimum = (
        question.min_items if question.min_items is not None else (1 if question.required else 0)
    )
    if len(items) < minimum:
        raise _Invalid(
            f"{name}.0.{question.questions[0].id}" if question.questions else name,
            "too_few_items",
            _("%(min)d件以上入力してください。") % {"min": minimum},
        )
    return items or None


_CLEANERS: dict[str, Callable[[Question, str, PostedData, Mapping[str, Any]], Value]] = {
    "short_text": _short_text,
    "long_text": _long_text,
    "number": _number,
    "date": _date,
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "yes_no": _yes_no,
    "address": _address,
    "phone": _phone,
    "email": _email,
    "name": _name,
    "consent": _consent,
    "file": _file,
    "bank_account": _bank_account,
}
