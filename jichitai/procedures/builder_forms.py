"""HTML forms of the form builder: shape and Japanese messages; the schema checks the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jichitai.core.models import OrgUnit
from jichitai.core.plain_text import refuse_control_characters
from jichitai.procedures.formdoc.messages import Problem, problem_lines
from jichitai.procedures.formdoc.schema import (
    DEDUPE_QUESTION_TYPES,
    FormDocument,
    Page,
    Question,
)
from jichitai.procedures.models import Procedure

QUESTION_TYPES = [
    ("short_text", _("短い文章")),
    ("long_text", _("長い文章")),
    ("number", _("数値")),
    ("date", _("日付")),
    ("single_choice", _("選択（1つ）")),
    ("multiple_choice", _("選択（複数）")),
    ("yes_no", _("はい・いいえ")),
    ("address", _("郵便番号と住所")),
    ("phone", _("電話番号")),
    ("email", _("メールアドレス")),
    ("name", _("氏名（ふりがな付き）")),
    ("file", _("ファイル")),
    ("group", _("繰り返しグループ（世帯員など）")),
    ("consent", _("同意・宣誓")),
    ("bank_account", _("振込先口座")),
]
# Types a repeating group may hold (no groups in groups, no files).
GROUP_CHILD_TYPES = [
    (value, label) for value, label in QUESTION_TYPES if value not in {"group", "file"}
]


# A request without the revision its page carried did not come from the page as shown (or the
# page is older than the form): reloading it is the way on.
STALE_PAGE = _("画面を読み込み直してから、もう一度操作してください。")


CONFIRM_UNPUBLISH = _("受付を停止するには、この画面の「受付を停止する」ボタンを押してください。")


class RevisionForm(forms.Form):
    """The draft revision the editor saw (see services.builder.edit)."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


class ProcedureForm(forms.ModelForm):
    """A procedure's catalogue entry, as a department administrator fills it in."""

    class Meta:
        model = Procedure
        fields = [
            "slug",
            "department",
            "title_ja",
            "title_en",
            "summary_ja",
            "summary_en",
            "description_ja",
            "description_en",
            "eligibility_ja",
            "eligibility_en",
            "documents_ja",
            "documents_en",
            "fee_yen",
            "fee_note_ja",
            "fee_note_en",
            "standard_processing_days",
            "channel",
            "applicant",
            "identity_level",
            "opens_at",
            "closes_at",
            "capacity",
            "keywords",
            "is_published",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "channel": forms.RadioSelect,
            "applicant": forms.RadioSelect,
            "identity_level": forms.RadioSelect,
        }
        help_texts = {
            "slug": _("URLに使う半角英小文字・数字・ハイフン。例：sodai-gomi"),
            "is_published": _(
                "チェックすると手続き一覧に表示されます。様式を公開すると自動で掲載されます。"
            ),
            "capacity": _("先着順で受け付ける件数。空欄なら上限なし。"),
        }

    def __init__(self, *args: Any, departments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = OrgUnit.objects.filter(pk__in=[d.pk for d in departments])
        department.empty_label = None
        refuse_control_characters(self)
        if self.instance.pk:
            # The address residents have bookmarked stays the same.
            del self.fields["slug"]
        else:
            # A new procedure is listed once its form is published (or from its details later).
            del self.fields["is_published"]

    def clean_opens_at(self) -> dt.datetime | None:
        return _within_intake_years(self.cleaned_data.get("opens_at"))

    def clean_closes_at(self) -> dt.datetime | None:
        return _within_intake_years(self.cleaned_data.get("closes_at"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("受付終了は受付開始より後にしてください。"))
        return data


# The dedupe choice that means one application per applicant account (not a question id:
# question ids start with a letter).
DEDUPE_APPLICANT = "@applicant"


def dedupe_choices(document: FormDocument | None) -> list[tuple[str, Any]]:
    """No limit, one per applicant, or one per answer to each question the schema accepts as
    a key (a required text, number, phone or email question)."""
    choices: list[tuple[str, Any]] = [
        ("", _("制限しない")),
        (
            DEDUPE_APPLICANT,
            _("申請者ごとに1件（本人確認が必要な手続きでは、確認された本人ごとに1件）"),
        ),
    ]
    if document is not None:
        for page in document.pages:
            for question in page.questions:
                if question.type in DEDUPE_QUESTION_TYPES and question.required:
                    choices.append(
                        (
                            question.id,
                            _("「%(label)s」の回答ごとに1件") % {"label": question.label.ja},
                        )
                    )
    return choices


def dedupe_value(document: FormDocument | None) -> str:
    """The dedupe choice a document holds now."""
    if document is None or document.dedupe is None:
        return ""
    return document.dedupe.question or DEDUPE_APPLICANT


# Intake dates a procedure can have. Far-off years broke pages: year 1 is before what SQLite
# can store, and on PostgreSQL Tokyo's old local time turned it into a year 1 BC that
# psycopg cannot read back, which took the public catalogue down.
INTAKE_YEARS = range(2000, 2101)


def _within_intake_years(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.year not in INTAKE_YEARS:
        raise forms.ValidationError(
            _("%(first)d年から%(last)d年までの日時を入力してください。")
            % {"first": INTAKE_YEARS[0], "last": INTAKE_YEARS[-1]},
            code="out_of_range",
        )
    return value


class SettingsForm(RevisionForm):
    title_ja = forms.CharField(label=_("様式の名前"), max_length=2000)
    title_en = forms.CharField(label=_("様式の名前（英語）"), max_length=3000, required=False)
    declaration_ja = forms.CharField(
        label=_("宣誓文"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申請の前に申請者が確認してチェックする文。空欄なら宣誓なし。"),
    )
    declaration_en = forms.CharField(
        label=_("宣誓文（英語）"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dedupe = forms.ChoiceField(
        label=_("申請の重複を防ぐ（1件だけ受け付ける単位）"),
        required=False,
        help_text=_(
            "同じ単位からの2件目の申請は、1件目の受付番号を示して断ります。"
            "世帯ごとなら、郵送した通知に印字した世帯番号などの必須の質問を選びます。"
        ),
        error_messages={"invalid_choice": _("選べるのは一覧にある項目だけです。")},
    )

    def __init__(self, *args: Any, document: FormDocument | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dedupe"]).choices = dedupe_choices(document)

    def dedupe_rule(self) -> dict[str, Any] | None:
        """The document's `dedupe` member for the choice made."""
        value = self.cleaned_data.get("dedupe") or ""
        if not value:
            return None
        return {} if value == DEDUPE_APPLICANT else {"question": value}


class PageForm(RevisionForm):
    page_id = forms.RegexField(
        label=_("ページID"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        max_length=40,
        help_text=_(
            "半角英小文字で始まる英小文字・数字・_（申請画面のURLになります）。例：household"
        ),
        error_messages={
            "invalid": _("半角英小文字で始め、半角英小文字・数字・_だけで入力してください。")
        },
    )
    title_ja = forms.CharField(label=_("ページの見出し"), max_length=2000)
    title_en = forms.CharField(label=_("ページの見出し（英語）"), max_length=3000, required=False)
    exit_ja = forms.CharField(
        label=_("終了ページの説明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "入力すると終了ページになります：申請できない理由を説明し、申請はここで終わります。"
        ),
    )
    exit_en = forms.CharField(
        label=_("終了ページの説明（英語）"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def page(self) -> dict[str, Any]:
        data = self.cleaned_data
        page: dict[str, Any] = {
            "id": data["page_id"],
            "title": {"ja": data["title_ja"], "en": data["title_en"]},
        }
        if data["exit_ja"]:
            page["exit_message"] = {"ja": data["exit_ja"], "en": data["exit_en"]}
        else:
            page["exit_message"] = None
        return page


class ConditionForm(RevisionForm):
    """Show the page when an earlier question's answer is one of the chosen values."""

    answer = forms.ChoiceField(label=_("このページを表示する条件"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = choices
        self.fields["answer"].help_text = _(
            "前のページの質問の回答を選びます。条件を複数付けると、すべて満たすときだけ表示します。"
        )


def _answers(question: Question) -> list[tuple[str, str]]:
    """The answers a condition can test for a choice or yes/no question: (value, label)."""
    if question.type == "yes_no":
        return [("yes", str(_("はい"))), ("no", str(_("いいえ")))]
    return [(option.value, option.label.ja) for option in question.options]


def condition_choices(document: FormDocument, page_id: str) -> list[tuple[str, str]]:
    """'question=value' for each option of choice and yes/no questions on earlier pages."""
    choices: list[tuple[str, str]] = []
    for page in document.pages:
        if page.id == page_id:
            break
        for question in page.questions:
            for value, label in _answers(question):
                choices.append((f"{question.id}={value}", f"{question.label.ja}：{label}"))
    return choices


def condition_sentences(document: FormDocument, page: Page) -> list[str]:
    """Each of the page's display conditions (表示条件) as a sentence that names the question
    and the answers by their labels, as the condition choices do, not by their IDs."""
    questions = document.questions()
    sentences = []
    for condition in page.show_if:
        asked = questions.get(condition.question)
        label = asked.label.ja if asked else condition.question
        if condition.answered is True:
            sentences.append(_("「%(question)s」に回答したとき") % {"question": label})
        elif condition.answered is False:
            sentences.append(_("「%(question)s」に回答していないとき") % {"question": label})
        else:
            names = dict(_answers(asked)) if asked else {}
            values = "、".join(names.get(value, value) for value in condition.values)
            sentences.append(
                _("「%(question)s」の回答が %(values)s のとき")
                % {"question": label, "values": values}
            )
    return sentences


OPTION_HELP = _("1行に1つ、「値|日本語|English」の形で。値は半角英数字。例：ordinary|普通|Ordinary")


class QuestionForm(RevisionForm):
    type = forms.ChoiceField(label=_("質問の種類"), choices=QUESTION_TYPES)
    question_id = forms.RegexField(
        label=_("質問ID"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        max_length=40,
        help_text=_(
            "半角英小文字で始まる英小文字・数字・_。回答のデータ名になります。例：household_size"
        ),
        error_messages={
            "invalid": _("半角英小文字で始め、半角英小文字・数字・_だけで入力してください。")
        },
    )
    label_ja = forms.CharField(label=_("質問文"), max_length=2000)
    label_en = forms.CharField(label=_("質問文（英語）"), max_length=3000, required=False)
    hint_ja = forms.CharField(label=_("補足説明"), max_length=2000, required=False)
    hint_en = forms.CharField(label=_("補足説明（英語）"), max_length=3000, required=False)
    required = forms.BooleanField(label=_("回答を必須にする"), required=False, initial=True)
    options = forms.CharField(
        label=_("選択肢"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=OPTION_HELP,
    )
    min_length = forms.IntegerField(label=_("最小文字数"), required=False)
    max_length = forms.IntegerField(label=_("最大文字数"), required=False)
    min_value = forms.IntegerField(label=_("最小値"), required=False)
    max_value = forms.IntegerField(label=_("最大値"), required=False)
    min_date = forms.CharField(
        label=_("最も早い日付"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM-DD の形、または today（申請日）。"),
    )
    max_date = forms.CharField(
        label=_("最も遅い日付"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM-DD の形、または today（申請日）。"),
    )
    min_items = forms.IntegerField(label=_("最小件数（繰り返しグループ）"), required=False)
    max_items = forms.IntegerField(label=_("最大件数（繰り返しグループ）"), required=False)
    max_size_mb = forms.IntegerField(label=_("最大ファイルサイズ（MB）"), required=False)

    NUMBERS = (
        "min_length",
        "max_length",
        "min_value",
        "max_value",
        "min_items",
        "max_items",
        "max_size_mb",
    )

    def __init__(self, *args: Any, in_group: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if in_group:
            cast(forms.ChoiceField, self.fields["type"]).choices = GROUP_CHILD_TYPES

    def clean_options(self) -> list[dict[str, Any]]:
        options = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("%(n)d行目：「値|日本語|English」の形で入力してください。") % {"n": number}
                )
            label = {"ja": parts[1], "en": parts[2] if len(parts) > 2 else ""}
            options.append({"value": parts[0], "label": label})
        return options

    def question(self) -> dict[str, Any]:
        data = self.cleaned_data
        question: dict[str, Any] = {
            "id": data["question_id"],
            "type": data["type"],
            "label": {"ja": data["label_ja"], "en": data["label_en"]},
            "required": data["required"],
        }
        if data["hint_ja"]:
            question["hint"] = {"ja": data["hint_ja"], "en": data["hint_en"]}
        if data["options"]:
            question["options"] = data["options"]
        for name in (*self.NUMBERS, "min_date", "max_date"):
            if data.get(name) not in (None, ""):
                question[name] = data[name]
        return question

    @classmethod
    def initial_from(cls, question: dict[str, Any], revision: int) -> dict[str, Any]:
        label, hint = question.get("label") or {}, question.get("hint") or {}
        initial: dict[str, Any] = {
            "revision": revision,
            "type": question.get("type"),
            "question_id": question.get("id"),
            "label_ja": label.get("ja", ""),
            "label_en": label.get("en", ""),
            "hint_ja": hint.get("ja", ""),
            "hint_en": hint.get("en", ""),
            "required": question.get("required", True),
            "options": "\n".join(
                f"{o['value']}|{o['label']['ja']}|{o['label'].get('en', '')}"
                for o in question.get("options", [])
            ),
        }
        for name in (*cls.NUMBERS, "min_date", "max_date"):
            initial[name] = question.get(name)
        return initial

    def add_problems(self, problems: list[Problem]) -> None:
        """Put schema problems next to the fields they concern (the rest above the form)."""
        fields = {
            "id": "question_id",
            "label": "label_ja",
            "hint": "hint_ja",
            "options": "options",
            "questions": None,
        }
        for problem in problems:
            first = problem.loc[0] if problem.loc else ""
            name = fields.get(str(first), str(first)) if first else None
            if name and name in self.fields:
                self.add_error(name, problem.message)
            else:
                self.add_error(None, problem.message)


def add_document_problems(form: forms.Form, problems: list[Problem]) -> None:
    """A document's problems above the form, each led by where it is."""
    for line in problem_lines(problems):
        form.add_error(None, line)


class UnpublishForm(forms.Form):
    """The confirmation page's answer: stopping online intake takes this explicit step, so a
    POST without it (a stray or empty one) changes nothing."""

    confirm = forms.ChoiceField(
        choices=[("yes", "yes")],
        widget=forms.HiddenInput,
        error_messages={"required": CONFIRM_UNPUBLISH, "invalid_choice": CONFIRM_UNPUBLISH},
    )


CONFIRM_DELETE = _("削除するには、この画面の「削除する」ボタンを押してください。")


class DeleteForm(RevisionForm):
    """A deletion confirmation page's answer: deleting a page, a question or a display
    condition takes this explicit step, so a POST without it (a stray or empty one, or the old
    one-click button) changes nothing."""

    confirm = forms.ChoiceField(
        choices=[("yes", "yes")],
        widget=forms.HiddenInput,
        error_messages={"required": CONFIRM_DELETE, "invalid_choice": CONFIRM_DELETE},
    )


class ImportForm(RevisionForm):
    upload = forms.FileField(label=_("JSONファイル"), required=False)
    text = forms.CharField(
        label=_("またはJSONを貼り付け"),
        required=False,
        max_length=300_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        refused = {"upload", "text"} & set(self.errors)
        if not data.get("upload") and not data.get("text") and not refused:
            # Said at the first of the two fields, where the summary's link lands.
            self.add_error("upload", _("JSONファイルを選ぶか、JSONを貼り付けてください。"))
        return data
