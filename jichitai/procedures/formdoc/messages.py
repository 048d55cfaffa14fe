"""Form-document validation errors explained in the user's language (for the form builder).

pydantic names each error by a type: our own rules use stable `form.*` codes (see schema._fail),
pydantic's built-in checks use its own types. Each is given a Japanese message here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (pydantic's location) and why (translated)."""

    loc: tuple[str | int, ...]
    code: str
    message: str

    @property
    def field(self) -> str:
        """The last named part of the location (e.g. `max_length`), or '' for the whole item."""
        names = [part for part in self.loc if isinstance(part, str)]
        return names[-1] if names else ""


def _message(code: str, context: dict[str, Any]) -> str:
    messages = {
        "form.date_invalid": _("%(value)s は存在しない日付です。"),
        "form.control_character": _("文章に制御文字（NUL など）は使えません。"),
        "form.options_too_few": _("選択肢は2つ以上必要です。"),
        "form.options_not_allowed": _("選択肢を持てるのは選択式の質問だけです。"),
        "form.option_values_twice": _("選択肢の値が重複しています。"),
        "form.group_empty": _("繰り返しグループには質問が1つ以上必要です。"),
        "form.group_nested": _("繰り返しグループの中にグループやファイルは置けません。"),
        "form.group_ids_twice": _("グループ内の質問IDが重複しています。"),
        "form.questions_not_allowed": _("質問を含められるのは繰り返しグループだけです。"),
        "form.length_range": _("最小文字数が最大文字数を超えています。"),
        "form.value_range": _("最小値が最大値を超えています。"),
        "form.items_range": _("最小件数が最大件数を超えています。"),
        "form.condition_test": _("条件には値を1つ以上指定してください。"),
        "form.page_empty": _(
            "ページ「%(page)s」に質問がありません。質問を追加するか、終了ページにしてください。"
        ),
        "form.exit_with_questions": _("終了ページには質問を置けません。"),
        "form.page_id_twice": _("ページID「%(page)s」が重複しています。"),
        "form.page_id_reserved": _("ページID「%(page)s」は使えません。"),
        "form.question_id_twice": _("質問ID「%(question)s」が重複しています。"),
        "form.asks_nothing": _("質問が1つもありません。"),
        "form.condition_forward": _(
            "ページ「%(page)s」の条件は、それより前のページの質問しか使えません（%(question)s）。"
        ),
        "form.condition_values": _("ページ「%(page)s」の条件の値が、質問の選択肢にありません。"),
        "form.dedupe_question": _(
            "重複チェックに使う質問は、必須の文字・数値・電話番号・メールアドレスの質問にしてください。"
        ),
        "missing": _("入力してください。"),
        "string_too_short": _("入力してください。"),
        "string_too_long": _("%(max_length)s文字以内で入力してください。"),
        "string_pattern_mismatch": _(
            "IDは半角英小文字で始め、半角英小文字・数字・_だけで入力してください。"
        ),
        "greater_than_equal": _("%(ge)s以上の数を入力してください。"),
        "less_than_equal": _("%(le)s以下の数を入力してください。"),
        "too_short": _("%(min_length)s件以上必要です。"),
        "too_long": _("%(max_length)s件までです。"),
        "literal_error": _("使えない値です。"),
        "extra_forbidden": _("様式にない項目です。"),
        "int_parsing": _("整数を入力してください。"),
        "int_type": _("整数を入力してください。"),
        "bool_type": _("はい・いいえで指定してください。"),
        "string_type": _("文字列で指定してください。"),
        "list_type": _("一覧で指定してください。"),
        "model_type": _("形式が正しくありません。"),
        "dict_type": _("形式が正しくありません。"),
    }
    template = messages.get(code, _("形式が正しくありません。"))
    try:
        return template % {key: str(value) for key, value in context.items()}
    except (KeyError, ValueError, TypeError):
        return template


def explain(error: ValidationError) -> list[Problem]:
    """Every problem in a failed validation, with a Japanese (or English) message."""
    problems = []
    for found in error.errors(include_url=False):
        code = str(found["type"])
        problems.append(
            Problem(
                loc=tuple(found["loc"]), code=code, message=_message(code, found.get("ctx") or {})
            )
        )
    return problems


def where(loc: tuple[str | int, ...]) -> str:
    """A location a person can read: ページ2 › 質問3 › 最大文字数."""
    parts: list[str] = []
    steps = list(loc)
    index = 0
    while index < len(steps):
        part = steps[index]
        following = steps[index + 1] if index + 1 < len(steps) else None
        if part == "pages" and isinstance(following, int):
            parts.append(_("ページ%(n)d") % {"n": following + 1})
            index += 2
            continue
        if part == "questions" and isinstance(following, int):
            parts.append(_("質問%(n)d") % {"n": following + 1})
            index += 2
            continue
        if part == "options" and isinstance(following, int):
            parts.append(_("選択肢%(n)d") % {"n": following + 1})
            index += 2
            continue
        if part == "show_if" and isinstance(following, int):
            parts.append(_("表示条件%(n)d") % {"n": following + 1})
            index += 2
            continue
        if isinstance(part, str) and not part.startswith("function-"):
            parts.append(_field_names().get(part, part))
        index += 1
    return " › ".join(parts)


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem of a document as a sentence, led by where it is when it has a place."""
    return [f"{where(p.loc)}：{p.message}" if where(p.loc) else p.message for p in problems]


def _field_names() -> dict[str, str]:
    return {
        "title": _("見出し"),
        "label": _("質問文"),
        "hint": _("補足説明"),
        "ja": _("日本語"),
        "en": _("英語"),
        "id": _("ID"),
        "type": _("質問の種類"),
        "value": _("値"),
        "exit_message": _("終了ページの説明"),
        "declaration": _("宣誓文"),
        "question": _("質問"),
        "values": _("値"),
        "min_length": _("最小文字数"),
        "max_length": _("最大文字数"),
        "min_value": _("最小値"),
        "max_value": _("最大値"),
        "min_date": _("最も早い日付"),
        "max_date": _("最も遅い日付"),
        "min_items": _("最小件数"),
        "max_items": _("最大件数"),
        "max_size_mb": _("最大ファイルサイズ"),
        "required": _("必須"),
        "dedupe": _("重複チェック"),
        "schema_version": _("形式の版"),
    }
