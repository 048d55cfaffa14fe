"""The resident's journey through the pages: start, answer, change, check, submit, receipt."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.models import Application, ApplicationDraft
from jichitai.procedures.services import intake

pytestmark = pytest.mark.django_db

APPLICANT = {
    "name.family": "大田",
    "name.given": "花子",
    "name.family_kana": "おおた",
    "name.given_kana": "はなこ",
    "address.postal_code": "144-8621",
    "address.address": "東京都大田区蒲田五丁目13番14号",
    "phone": "03-5744-1111",
}


def _url(procedure, page=""):
    return f"/procedures/{procedure.slug}/apply/{page + '/' if page else ''}"


def _answer_dog(client, procedure, vaccinated="no"):
    assert client.post(_url(procedure)).status_code == 302
    response = client.post(_url(procedure, "applicant"), APPLICANT)
    assert response["Location"] == _url(procedure, "dog"), response.content.decode()[:500]
    return client.post(
        _url(procedure, "dog"),
        {
            "dog_name": "ポチ",
            "breed": "柴犬",
            "birth_date.year": "2024",
            "birth_date.month": "4",
            "birth_date.day": "1",
            "sex": "male",
            "vaccinated": vaccinated,
        },
    )


def test_the_whole_journey(resident_client, dog, mailoutbox) -> None:
    client = resident_client
    assert _answer_dog(client, dog)["Location"] == _url(dog, "check")
    check = client.get(_url(dog, "check"))
    body = check.content.decode()
    assert "大田 花子（オオタ ハナコ）" in body and "〒144-8621" in body and "柴犬" in body
    token = ApplicationDraft.objects.get().submission_token
    refused = client.post(_url(dog, "check"), {"submission_token": token})
    assert refused.status_code == 400  # the declaration was not ticked
    assert not Application.objects.exists()
    done = client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    application = Application.objects.get()
    assert done["Location"] == f"/applications/{application.receipt_number}/"
    receipt = client.get(done["Location"]).content.decode()
    assert application.receipt_number in receipt and "受付" in receipt
    # A double click or a resubmission after "back" gives the same receipt, not a second one.
    again = client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    assert again["Location"] == done["Location"] and Application.objects.count() == 1
    assert application.receipt_number in client.get("/applications/").content.decode()


def test_bad_answers_come_back_with_messages_and_nothing_is_saved(resident_client, dog) -> None:
    client = resident_client
    client.post(_url(dog))
    response = client.post(
        _url(dog, "applicant"), {**APPLICANT, "address.postal_code": "12", "phone": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#f-address-postal-code"' in body and 'id="f-address-postal-code"' in body
    assert 'href="#f-phone"' in body and 'aria-invalid="true"' in body
    assert 'value="大田"' in body  # what was typed is kept
    assert ApplicationDraft.objects.get().answers == {}


def test_a_condition_shows_the_upload_page(resident_client, dog) -> None:
    client = resident_client
    assert _answer_dog(client, dog, vaccinated="yes")["Location"] == _url(dog, "certificate")
    wrong = client.post(
        _url(dog, "certificate"), {"certificate": SimpleUploadedFile("a.pdf", b"<html>")}
    )
    assert wrong.status_code == 400 and "PDF、JPEG、PNG" in wrong.content.decode()
    ok = client.post(
        _url(dog, "certificate"), {"certificate": SimpleUploadedFile("cert.pdf", b"%PDF-1.4 x")}
    )
    assert ok["Location"] == _url(dog, "check")
    # Sending the page again without a new file keeps the one uploaded.
    kept = client.post(_url(dog, "certificate"), {})
    assert kept["Location"] == _url(dog, "check")
    assert "cert.pdf" in client.get(_url(dog, "check")).content.decode()


def test_pages_not_reached_are_404(resident_client, dog) -> None:
    resident_client.post(_url(dog))
    assert resident_client.get(_url(dog, "certificate")).status_code == 404
    assert resident_client.get(_url(dog, "nowhere")).status_code == 404


def test_change_link_returns_to_the_check_page(resident_client, dog) -> None:
    client = resident_client
    _answer_dog(client, dog)
    response = client.post(
        _url(dog, "applicant") + "?change=1", {**APPLICANT, "phone": "0357440000"}
    )
    assert response["Location"] == _url(dog, "check")
    assert ApplicationDraft.objects.get().answers["phone"] == "0357440000"


def test_an_exit_page_ends_the_journey(resident_client, catalogue) -> None:
    gomi = catalogue["gomi"]
    gomi.identity_level = "account"
    gomi.save()
    intake.publish_form(gomi, FORMS["sodai-gomi"])
    client = resident_client
    client.post(_url(gomi))
    response = client.post(_url(gomi, "household"), {"from_household": "no"})
    assert response["Location"] == _url(gomi, "business_waste")
    page = client.get(_url(gomi, "business_waste"))
    assert "許可業者" in page.content.decode()
    assert client.get(_url(gomi, "check"))["Location"] == _url(gomi, "business_waste")


def test_another_row_for_a_repeating_group(resident_client, catalogue) -> None:
    gomi = catalogue["gomi"]
    gomi.identity_level = "account"
    gomi.save()
    intake.publish_form(gomi, FORMS["sodai-gomi"])
    client = resident_client
    client.post(_url(gomi))
    client.post(_url(gomi, "household"), {"from_household": "yes"})
    client.post(_url(gomi, "applicant"), APPLICANT)
    response = client.post(
        _url(gomi, "items"), {"items.0.item": "sofa", "items.0.count": "1", "add_row": "items"}
    )
    body = response.content.decode()
    assert 'name="items.1.item"' in body and 'value="1"' in body
    saved = client.post(
        _url(gomi, "items"),
        {
            "items.0.item": "sofa",
            "items.0.count": "１",
            "items.1.item": "bed",
            "items.1.count": "2",
        },
    )
    assert saved["Location"] == _url(gomi, "when")
    assert ApplicationDraft.objects.get().answers["items"] == [
        {"item": "sofa", "count": 1},
        {"item": "bed", "count": 2},
    ]


def test_someone_elses_application_is_not_found(client, dog, make_user, signed_in) -> None:
    owner = make_user("resident")
    signed_in(client, owner)
    _answer_dog(client, dog)
    token = ApplicationDraft.objects.get().submission_token
    client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    receipt = Application.objects.get().receipt_number
    intruder = make_user("resident")
    signed_in(client, intruder)
    assert client.get(f"/applications/{receipt}/").status_code == 404
    assert receipt not in client.get("/applications/").content.decode()
    # Nor can they submit the owner's draft token into their own journey.
    assert (
        client.post(
            _url(dog, "check"), {"submission_token": token, "declaration": "yes"}
        ).status_code
        == 400
    )
    assert Application.objects.count() == 1


def test_signing_in_is_needed_and_staff_cannot_apply(client, dog, make_staff, signed_in) -> None:
    response = client.post(_url(dog))
    assert response["Location"].startswith("/accounts/sign-in/")
    detail = client.get(f"/procedures/{dog.slug}/").content.decode()
    assert "サインインして申請する" in detail
    signed_in(client, make_staff("clerk"))
    assert client.post(_url(dog)).status_code == 403


def test_unavailable_procedures_explain_why(resident_client, catalogue) -> None:
    benefit = catalogue["gomi"]
    benefit.identity_level = "verified"
    benefit.save()
    intake.publish_form(benefit, FORMS["shukai-shisetsu"])
    response = resident_client.post(_url(benefit))
    assert response.status_code == 409
    assert "マイナンバーカード" in response.content.decode()


def test_questions_named_like_dict_methods_get_their_messages(resident_client, catalogue) -> None:
    """A template reads `errors.items` as the errors of a question named "items" (found by
    tests/contract/test_form_fuzz.py: the page was a server error)."""
    from jichitai.procedures.tests.conftest import open_with_form

    form = {
        "title": {"ja": "請求"},
        "pages": [
            {
                "id": "request",
                "title": {"ja": "請求の内容"},
                "questions": [
                    {"id": name, "type": "short_text", "label": {"ja": label}}
                    for name, label in (("items", "必要なもの"), ("keys", "鍵"), ("values", "値"))
                ],
            }
        ],
    }
    procedure = open_with_form(catalogue["jido"], form)
    resident_client.post(_url(procedure))
    response = resident_client.post(_url(procedure, "request"), {"keys": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#f-items"' in body and 'href="#f-values"' in body
    assert 'href="#f-keys"' not in body
