"""Form documents: what a valid document is, how answers are checked, how pages route."""

import json
import unicodedata
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jichitai.procedures.formdoc import rendering, routing, schema
from jichitai.procedures.formdoc.answers import UploadCandidate, clean_page

ROOT = Path(__file__).resolve().parents[3]


def T(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en}


BENEFIT = {
    "title": T("臨時特別給付金の申請", "Special cash benefit"),
    "pages": [
        {
            "id": "eligibility",
            "title": T("対象の確認"),
            "questions": [
                {
                    "id": "resident_on_date",
                    "type": "yes_no",
                    "label": T("基準日に区に住んでいましたか"),
                },
            ],
        },
        {
            "id": "not_eligible",
            "title": T("申請できません"),
            "exit_message": T("基準日に区に住んでいなかった方は対象外です。"),
            "show_if": [{"question": "resident_on_date", "values": ["no"]}],
        },
        {
            "id": "applicant",
            "title": T("申請者"),
            "questions": [
                {"id": "name", "type": "name", "label": T("氏名", "Name")},
                {"id": "birth_date", "type": "date", "label": T("生年月日"), "max_date": "today"},
                {"id": "address", "type": "address", "label": T("住所")},
                {"id": "phone", "type": "phone", "label": T("電話番号"), "required": False},
            ],
        },
        {
            "id": "household",
            "title": T("世帯員"),
            "questions": [
                {
                    "id": "members",
                    "type": "group",
                    "label": T("世帯員"),
                    "max_items": 3,
                    "min_items": 0,
                    "questions": [
                        {"id": "name", "type": "short_text", "label": T("氏名"), "max_length": 50},
                        {
                            "id": "relation",
                            "type": "single_choice",
                            "label": T("続柄"),
                            "options": [
                                {"value": "spouse", "label": T("配偶者")},
                                {"value": "child", "label": T("子")},
                                {"value": "other", "label": T("その他")},
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "id": "payment",
            "title": T("受取方法"),
            "questions": [
                {
                    "id": "method",
                    "type": "single_choice",
                    "label": T("受取方法"),
                    "options": [
                        {"value": "bank", "label": T("口座振込")},
                        {"value": "counter", "label": T("窓口")},
                    ],
                },
            ],
        },
        {
            "id": "bank",
            "title": T("口座"),
            "show_if": [{"question": "method", "values": ["bank"]}],
            "questions": [
                {
                    "id": "account_number",
                    "type": "number",
                    "label": T("口座番号"),
                    "min_value": 0,
                    "max_value": 9999999,
                }
            ],
        },
        {
            "id": "documents",
            "title": T("書類"),
            "questions": [
                {"id": "id_document", "type": "file", "label": T("本人確認書類"), "max_size_mb": 1},
                {"id": "agree", "type": "consent", "label": T("記載内容に誤りはありません")},
            ],
        },
    ],
}


@pytest.fixture
def document() -> schema.FormDocument:
    return schema.parse(BENEFIT)


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(key.replace("__", "."), item)
    return data


def page_of(document: schema.FormDocument, page_id: str) -> schema.Page:
    page = document.page(page_id)
    assert page is not None
    return page


# --- the document ---------------------------------------------------------------------------


def test_a_realistic_document_parses(document) -> None:
    assert len(document.pages) == 7
    assert set(document.questions()) >= {"name", "members", "method", "id_document"}


def _broken(change) -> dict:
    data = json.loads(json.dumps(BENEFIT))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["pages"][2]["questions"].append(
                {"id": "name", "type": "short_text", "label": T("x")}
            ),
            "used twice",
        ),
        (
            lambda d: d["pages"][0].update(show_if=[{"question": "method", "values": ["bank"]}]),
            "earlier pages",
        ),
        (
            lambda d: d["pages"][5].update(show_if=[{"question": "method", "values": ["cash"]}]),
            "not options",
        ),
        (
            lambda d: d["pages"][4]["questions"][0].update(
                options=[{"value": "a", "label": T("a")}]
            ),
            "at least two",
        ),
        (
            lambda d: d["pages"][3]["questions"][0]["questions"].append(
                {"id": "doc", "type": "file", "label": T("x")}
            ),
            "cannot hold",
        ),
        (lambda d: d["pages"][2]["questions"][0].update(type="telepathy"), "type"),
        (lambda d: d["pages"][2]["questions"][0].update(id="Bad-Id"), "pattern"),
        (
            lambda d: d["pages"][1].update(
                questions=[{"id": "x", "type": "short_text", "label": T("x")}]
            ),
            "exit page",
        ),
        (lambda d: d["pages"][2]["questions"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d.update(pages=[]), "at least 1"),
        (lambda d: d["pages"][2]["questions"][0]["label"].update(ja=""), "at least 1"),
        (lambda d: d["title"].update(ja="a\x00b"), "control characters"),
        (lambda d: d["pages"][2]["questions"][0]["label"].update(en="\x1b[31m"), "control"),
    ],
)
def test_broken_documents_are_refused_with_the_reason(change, message) -> None:
    with pytest.raises(ValidationError, match=message):
        schema.parse(_broken(change))


def test_checked_in_json_schema_matches_the_model() -> None:
    """Regenerate with: .venv/bin/python manage.py export_form_schema"""
    path = ROOT / "docs" / "form-document.schema.json"
    assert json.loads(path.read_text()) == schema.FormDocument.model_json_schema()


def test_text_follows_the_language(document) -> None:
    with translation.override("en"):
        assert document.title.text == "Special cash benefit"
        assert page_of(document, "payment").title.text == "受取方法"  # no English: Japanese
    assert document.title.text == "臨時特別給付金の申請"


# --- answers --------------------------------------------------------------------------------


def test_a_good_applicant_page_is_normalised(document) -> None:
    result = clean_page(
        page_of(document, "applicant"),
        posted(
            name__family="大田",
            name__given="花子",
            name__family_kana="おおた",
            name__given_kana="ﾊﾅｺ",
            birth_date__year="１９８５",
            birth_date__month="4",
            birth_date__day="01",
            address__postal_code="１４４－８６２１",
            address__address="東京都大田区蒲田五丁目13番14号",
            phone="03-5744-1111",
        ),
    )
    assert result.valid, result.errors
    assert result.values == {
        "name": {
            "family": "大田",
            "given": "花子",
            "family_kana": "オオタ",
            "given_kana": "ハナコ",
        },
        "birth_date": "1985-04-01",
        "address": {"postal_code": "1448621", "address": "東京都大田区蒲田五丁目13番14号"},
        "phone": "0357441111",
    }


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({}, "name.family", "required"),
        (
            {
                "name__family": "大田",
                "name__given": "花子",
                "name__family_kana": "ota",
                "name__given_kana": "ハナコ",
            },
            "name.family_kana",
            "invalid_kana",
        ),
        (
            {"birth_date__year": "2020", "birth_date__month": "2", "birth_date__day": "30"},
            "birth_date.year",
            "invalid_date",
        ),
        (
            {"birth_date__year": "3000", "birth_date__month": "1", "birth_date__day": "1"},
            "birth_date.year",
            "too_late",
        ),
        (
            {"birth_date__year": "平成", "birth_date__month": "1", "birth_date__day": "1"},
            "birth_date.year",
            "invalid_date",
        ),
        (
            {"birth_date__year": "9" * 20, "birth_date__month": "1", "birth_date__day": "1"},
            "birth_date.year",
            "invalid_date",
        ),
        (
            {"birth_date__year": "1980", "birth_date__month": "²", "birth_date__day": "1"},
            "birth_date.year",
            None,  # NFKC makes ² a 2: 1980-02-01
        ),
        (
            {"address__postal_code": "144", "address__address": "蒲田"},
            "address.postal_code",
            "invalid_postal_code",
        ),
        ({"address__postal_code": "1448621"}, "address.address", "required"),
        ({"phone": "5744-1111"}, "phone", "invalid_phone"),
        ({"phone": "03-5744-1111\n"}, "phone", None),  # stripped: fine
    ],
)
def test_bad_answers_are_refused_next_to_their_field(document, fields, field, code) -> None:
    result = clean_page(page_of(document, "applicant"), posted(**fields))
    if code is None:
        assert field not in result.errors
    else:
        assert [error.code for error in result.errors[field]] == [code]
        assert result.errors[field][0].message  # a message for the person, not only a code


def test_messages_are_in_the_active_language(document) -> None:
    page = page_of(document, "applicant")
    assert "入力してください" in clean_page(page, posted()).errors["name.family"][0].message
    with translation.override("en"):
        message = clean_page(page, posted()).errors["name.family"][0].message
    assert message.isascii()


def test_choices_and_numbers(document) -> None:
    assert clean_page(page_of(document, "payment"), posted(method="bank")).values == {
        "method": "bank"
    }
    assert (
        clean_page(page_of(document, "payment"), posted(method="cash")).errors["method"][0].code
        == "invalid_choice"
    )
    bank = page_of(document, "bank")
    assert clean_page(bank, posted(account_number="１２３４５６７")).values == {
        "account_number": 1234567
    }
    assert (
        clean_page(bank, posted(account_number="12345678")).errors["account_number"][0].code
        == "too_large"
    )
    assert (
        clean_page(bank, posted(account_number="1e5")).errors["account_number"][0].code
        == "invalid_number"
    )


def test_repeating_group_drops_blank_rows_and_checks_each_item(document) -> None:
    page = page_of(document, "household")
    result = clean_page(
        page,
        posted(
            **{
                "members__0__name": "大田 太郎",
                "members__0__relation": "spouse",
                "members__1__name": "",
                "members__1__relation": "",
                "members__2__name": "大田 一郎",
                "members__2__relation": "cousin",
            }
        ),
    )
    assert result.errors["members.2.relation"][0].code == "invalid_choice"
    ok = clean_page(
        page, posted(**{"members__0__name": "大田 太郎", "members__0__relation": "spouse"})
    )
    assert ok.values == {"members": [{"name": "大田 太郎", "relation": "spouse"}]}
    assert clean_page(page, posted()).valid  # min_items 0: a household of one


def test_repeating_group_has_a_maximum(document) -> None:
    fields = {}
    for index in range(4):
        fields[f"members__{index}__name"] = f"世帯員{index}"
        fields[f"members__{index}__relation"] = "child"
    assert (
        clean_page(page_of(document, "household"), posted(**fields)).errors["members"][0].code
        == "too_many_items"
    )
    hostile = posted(**{"members__999999__name": "x"})
    assert (
        clean_page(page_of(document, "household"), hostile).errors["members"][0].code
        == "too_many_items"
    )


@pytest.mark.parametrize("row", ["²", "٣", "1" * 5000])
def test_a_row_number_that_is_no_number_of_ours_never_breaks_the_page(document, row) -> None:
    page = page_of(document, "household")
    data = posted(**{f"members__{row}__name": "x", f"members__{row}__relation": "child"})
    result = clean_page(page, data)
    if row.isascii():  # ASCII digits: a row far past the maximum
        assert result.errors["members"][0].code == "too_many_items"
    else:  # other scripts' digits: no row at all
        assert result.valid and "members" not in result.values
    assert rendering.posted_data(page, data)["members.rows"] <= 3


def test_a_posted_row_far_past_the_maximum_shows_no_more_rows_than_the_maximum(document) -> None:
    page = page_of(document, "household")
    data = posted(members__999999__name="x")
    assert rendering.posted_data(page, data)["members.rows"] == 3  # not a million
    assert rendering.posted_data_with_added_row(page, data, "members")["members.rows"] == 3
    one_row = posted(members__0__name="x")
    assert rendering.posted_data_with_added_row(page, one_row, "members")["members.rows"] == 2


def test_a_stored_date_that_is_no_date_is_shown_without_breaking_the_page(document) -> None:
    data = rendering.form_data(page_of(document, "applicant"), {"birth_date": "abcdefghij"})
    assert "birth_date.month" not in data


def test_adding_a_row_to_what_is_no_group_of_the_page_adds_nothing(document) -> None:
    page = page_of(document, "household")
    data = posted(**{"zz__rows": "abc", "members__0__name": "x"})
    assert rendering.posted_data_with_added_row(page, data, "zz")["zz.rows"] == "abc"


def test_a_repeating_group_without_questions_refuses_without_breaking() -> None:
    page = schema.Page.model_validate(
        {
            "id": "p",
            "title": T("p"),
            "questions": [{"id": "g", "type": "group", "label": T("g"), "min_items": 1}],
        },
        context={"draft": True},
    )
    assert clean_page(page, posted()).errors["g"][0].code == "too_few_items"


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("short_text", "大田\ud800", "invalid_characters"),  # a lone surrogate: no character
        ("long_text", "\udfff", "invalid_characters"),
        ("email", "a@\ud800.jp", "invalid_email"),
    ],
)
def test_a_lone_surrogate_is_refused(kind, text, code) -> None:
    page = schema.Page.model_validate(
        {"id": "p", "title": T("p"), "questions": [{"id": "q", "type": kind, "label": T("q")}]}
    )
    assert clean_page(page, posted(q=text)).errors["q"][0].code == code


def _upload(
    content: bytes, name: str = "id.pdf", content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_files_are_recognised_by_content_not_name(document) -> None:
    page = page_of(document, "documents")
    good = clean_page(page, posted(agree="yes"), {"id_document": _upload(b"%PDF-1.7 ...")})
    assert good.valid
    candidate = good.values["id_document"]
    assert isinstance(candidate, UploadCandidate) and candidate.content_type == "application/pdf"
    for content, name in [
        (b"<svg onload=alert(1)>", "id.pdf"),
        (b"PK\x03\x04zip", "id.png"),
        (b"<html><script>", "id.jpg"),
        (b"MZ\x90\x00", "id.pdf"),
    ]:
        result = clean_page(page, posted(agree="yes"), {"id_document": _upload(content, name)})
        assert result.errors["id_document"][0].code == "file_type", name
    big = _upload(b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), "big.png", "image/png")
    assert (
        clean_page(page, posted(agree="yes"), {"id_document": big}).errors["id_document"][0].code
        == "file_too_large"
    )
    assert clean_page(page, posted(agree="yes"), {}).errors["id_document"][0].code == "required"


def test_consent_must_be_given(document) -> None:
    result = clean_page(
        page_of(document, "documents"), posted(), {"id_document": _upload(b"%PDF-1.4")}
    )
    assert result.errors["agree"][0].code == "consent_required"


@given(st.text(max_size=300))
def test_any_text_is_kept_faithfully_or_refused(text: str) -> None:
    page = schema.Page.model_validate(
        {
            "id": "p",
            "title": T("p"),
            "questions": [{"id": "q", "type": "short_text", "label": T("q")}],
        }
    )
    data = QueryDict(mutable=True)
    data["q"] = text
    result = clean_page(page, data)
    if result.valid and "q" in result.values:
        assert result.values["q"] == unicodedata.normalize("NFC", text.strip())
    else:
        assert result.errors["q"][0].code in {"required", "invalid_characters", "too_long"}


# --- routing --------------------------------------------------------------------------------


def _ids(pages) -> list[str]:
    return [page.id for page in pages]


def _id(page: schema.Page | None) -> str | None:
    return page.id if page else None


def test_pages_follow_the_answers(document) -> None:
    assert _id(routing.next_page(document, {}, None)) == "eligibility"
    yes = {"resident_on_date": "yes", "method": "counter"}
    assert _ids(routing.visible_pages(document, yes)) == [
        "eligibility",
        "applicant",
        "household",
        "payment",
        "documents",
    ]
    with_bank = {**yes, "method": "bank"}
    assert _id(routing.next_page(document, with_bank, "payment")) == "bank"
    assert _id(routing.previous_page(document, with_bank, "documents")) == "bank"
    assert routing.next_page(document, with_bank, "documents") is None


def test_an_exit_page_ends_the_journey(document) -> None:
    answers = {"resident_on_date": "no", "method": "bank"}
    assert _ids(routing.visible_pages(document, answers)) == ["eligibility", "not_eligible"]
    assert _id(routing.exit_page(document, answers)) == "not_eligible"
    assert routing.exit_page(document, {"resident_on_date": "yes"}) is None


def test_answers_on_hidden_pages_are_not_submitted(document) -> None:
    answers = {"resident_on_date": "yes", "method": "counter", "account_number": 1234567}
    assert "account_number" not in routing.effective_answers(document, answers)
    answers["method"] = "bank"
    assert routing.effective_answers(document, answers)["account_number"] == 1234567


def test_bytes_like_uploads_are_rewound_for_storing(document) -> None:
    upload = _upload(b"\xff\xd8\xff\xe0JFIF", "photo.jpg", "image/jpeg")
    clean_page(page_of(document, "documents"), posted(agree="yes"), {"id_document": upload})
    assert upload.read(3) == b"\xff\xd8\xff"


BANK_PAGE = schema.Page.model_validate(
    {
        "id": "bank",
        "title": {"ja": "振込先"},
        "questions": [{"id": "account", "type": "bank_account", "label": {"ja": "振込先口座"}}],
    }
)


def test_bank_accounts_are_normalised_the_way_banks_print_them() -> None:
    result = clean_page(
        BANK_PAGE,
        posted(
            **{
                "account.bank_code": "０００１",
                "account.branch_code": "１２３",
                "account.account_type": "ordinary",
                "account.account_number": "12-345",
                "account.holder_kana": "ｵｵﾀ ﾀﾛｳ",
            }
        ),
    )
    assert result.valid, result.errors
    assert result.values["account"] == {
        "bank_code": "0001",
        "branch_code": "123",
        "account_type": "ordinary",
        "account_number": "0012345",
        "holder_kana": "オオタ タロウ",
    }


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("bank_code", "12", "invalid_bank_code"),
        ("branch_code", "12a", "invalid_branch_code"),
        ("account_type", "gold", "invalid_choice"),
        ("account_number", "12345678", "invalid_account_number"),
        ("holder_kana", "大田太郎", "invalid_kana"),
    ],
)
def test_bad_bank_accounts_are_refused_at_the_field(field, value, code) -> None:
    good = {
        "account.bank_code": "0001",
        "account.branch_code": "123",
        "account.account_type": "ordinary",
        "account.account_number": "1234567",
        "account.holder_kana": "オオタ タロウ",
    }
    result = clean_page(BANK_PAGE, posted(**{**good, f"account.{field}": value}))
    assert [error.code for error in result.errors[f"account.{field}"]] == [code]


@pytest.mark.parametrize("limit", ["2026-02-30", "2025-13-01", "0000-01-01"])
def test_date_limits_must_be_real_dates(limit) -> None:
    """The pattern alone let 2026-02-30 through, and answering the form then crashed."""
    question = {"id": "born", "type": "date", "label": {"ja": "生年月日"}, "max_date": limit}
    with pytest.raises(ValidationError, match="not a date") as refused:
        schema.Question.model_validate(question)
    assert refused.value.errors()[0]["type"] == "form.date_invalid"
    assert schema.Question.model_validate({**question, "max_date": "2024-02-29"})


def test_drafts_may_be_unfinished_but_published_forms_may_not() -> None:
    unfinished = {"title": {"ja": "x"}, "pages": [{"id": "p", "title": {"ja": "p"}}]}
    assert schema.parse(unfinished, draft=True).pages[0].questions == []
    with pytest.raises(ValidationError, match="needs questions"):
        schema.parse(unfinished)
