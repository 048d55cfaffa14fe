"""Who can reach an application, a draft, a file, a receipt, a case, a form in the builder or
a procedure's mail, by every URL and API operation that names one.

A resident reaches only their own (anyone else's is 404, as if it did not exist); staff reach
only their departments' cases; organisation-wide roles (system administrator, auditor) reach
none; only a department administrator (所属管理者) builds forms and words mail, for their own
department. Statuses: 200 shown, 302 sent to sign in (anonymous) or done and redirected, 400 a
bad form, 401 no token, 403 not a resident / not staff / not this role, 404 not yours, 405 not
this method, 409 nothing to do (e.g. no correction pending). Every request by someone not
listed in a row's `changes` must leave the stored data exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from jichitai.accounts import api_tokens
from jichitai.notifications.models import OutboundEmail
from jichitai.procedures import services as procedure_services
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.models import (
    Application,
    ApplicationDraft,
    ApplicationEvent,
    Attachment,
    CorrectionDraft,
    FormDraft,
    FormVersion,
    InternalNote,
    NotificationTemplate,
    Procedure,
)
from jichitai.procedures.services import builder, intake, review
from jichitai.procedures.tests.conftest import apply_with_note, open_for_notes
from tests.access.matrix import PERSONAS, Row, check_row, row

pytestmark = pytest.mark.django_db

WATCHED = [
    Procedure,
    FormVersion,
    FormDraft,
    Application,
    ApplicationDraft,
    ApplicationEvent,
    Attachment,
    CorrectionDraft,
    InternalNote,
    NotificationTemplate,
    OutboundEmail,
]

DEPARTMENT = ("clerk", "approver", "department_admin")
DECIDERS = ("clerk", "approver")  # a department administrator sees cases but does not decide


def resident_page(owner: int) -> list[int]:
    """A resident's page: visitors sign in, other residents find nothing, staff are refused."""
    return [302, owner, 404, 403, 403, 403, 403, 403, 403, 403]


def case_page(department: int) -> list[int]:
    """A case in the back office: the owning department's staff only; other departments and
    the organisation-wide roles find nothing; residents are refused."""
    return [302, 403, 403, department, department, department, 404, 404, 404, 404]


def builder_page(admin: int) -> list[int]:
    """The form builder: the owning department's administrator only; another department's
    administrator finds nothing; everyone else is refused (not a builder at all)."""
    return [302, 403, 403, 403, 403, admin, 403, 404, 403, 403]


def mail_page(admin: int) -> list[int]:
    """A procedure's mail wording: the owning department's administrator only; for all other
    staff the procedure is not found."""
    return [302, 403, 403, 404, 404, admin, 404, 404, 404, 404]


def _status(to: str):
    return lambda values: Application.objects.get(receipt_number=values["receipt"]).status == to


PAGES: list[Row] = [
    # --- The resident's side --------------------------------------------------------------
    row("GET", "/applications/{receipt}/", resident_page(200)),
    row("GET", "/applications/{receipt}/withdraw/", resident_page(200)),
    row(
        "POST",
        "/applications/{receipt}/withdraw/",
        resident_page(302),
        changes={"owner"},
        effect=_status("withdrawn"),
    ),
    row("GET", "/applications/{receipt}/receipt.pdf", resident_page(200)),
    row("GET", "/applications/{filed_receipt}/attachments/{attachment}/", resident_page(200)),
    # A page of the form: the draft shown is always the asker's own (found by who asks, never
    # by an id), so another resident starts a draft of their own and sees none of the owner's.
    row(
        "GET",
        "/procedures/{slug}/apply/{page}/",
        [302, 200, 200, 403, 403, 403, 403, 403, 403, 403],
        changes={"resident"},
    ),
    # A file in the owner's unsent draft, to check before submitting.
    row("GET", "/procedures/{slug}/apply/attachments/{draft_attachment}/", resident_page(200)),
    # Answering a correction (補正) is a form: GET is not a method it takes, for anyone …
    row("GET", "/applications/{receipt}/correction/", [405] * 10),
    # … and with no correction pending the owner's answer is refused with a message.
    row("POST", "/applications/{receipt}/correction/", resident_page(302), data={"message": "x"}),
    # Changing answers for a correction: 409 for the owner while none is pending.
    row("GET", "/applications/{receipt}/correction/check/", resident_page(409)),
    row("POST", "/applications/{receipt}/correction/check/", resident_page(409)),
    row("GET", "/applications/{receipt}/correction/pages/p/", resident_page(409)),
    row("POST", "/applications/{receipt}/correction/pages/p/", resident_page(409)),
    row("POST", "/applications/{receipt}/correction/discard/", resident_page(409)),
    # --- The back office ------------------------------------------------------------------
    row("GET", "/staff/applications/{receipt}/", case_page(200)),
    row("GET", "/staff/applications/{receipt}/receipt.pdf", case_page(200)),
    row("GET", "/staff/applications/{filed_receipt}/attachments/{attachment}/", case_page(200)),
    row(
        "POST",
        "/staff/applications/{receipt}/move/",
        case_page(302),
        data={"to_status": "under_review"},
        changes=DECIDERS,
        effect=_status("under_review"),
    ),
    row(
        "POST",
        "/staff/applications/{receipt}/assign/",
        case_page(302),
        data={"assignee": "me"},
        changes=DEPARTMENT,
        effect=lambda v: (
            Application.objects.get(receipt_number=v["receipt"]).assignee_id is not None
        ),
    ),
    row(
        "POST",
        "/staff/applications/{receipt}/notes/",
        case_page(302),
        data={"body": "確認中"},
        changes=DEPARTMENT,
        effect=lambda v: InternalNote.objects.exists(),
    ),
    # Bulk names applications in the form: another department's are reported as not found.
    row(
        "POST",
        "/staff/applications/bulk/",
        [302, 403, 403, 302, 302, 302, 302, 302, 302, 302],
        data={"selected": "{receipt}", "action": "under_review"},
        changes=DECIDERS,
        effect=_status("under_review"),
    ),
    row(
        "POST",
        "/staff/notifications/{email}/retry/",
        case_page(302),
        changes=DEPARTMENT,
        effect=lambda v: OutboundEmail.objects.get(pk=v["email"]).status != "failed",
    ),
    # --- A procedure's mail wording -------------------------------------------------------
    row("GET", "/staff/notification-templates/{slug}/{event}/{language}/", mail_page(200)),
    row(
        "POST",
        "/staff/notification-templates/{slug}/{event}/{language}/",
        mail_page(302),
        data={"subject": "受け付けました", "body": "{{ receipt_number }}"},
        changes={"department_admin"},
        effect=lambda v: NotificationTemplate.objects.filter(subject="受け付けました").exists(),
    ),
    row(
        "POST",
        "/staff/notification-templates/{slug}/{event}/{language}/reset/",
        mail_page(302),
        changes={"department_admin"},
        effect=lambda v: not NotificationTemplate.objects.exists(),
    ),
    # --- The form builder -----------------------------------------------------------------
    row("GET", "/staff/builder/{slug}/", builder_page(200)),
    row("GET", "/staff/builder/{slug}/details/", builder_page(200)),
    row(
        "POST",
        "/staff/builder/{slug}/details/",
        builder_page(400),
        data={"title_ja": "書き換え"},
        note="(incomplete form)",
    ),
    row("POST", "/staff/builder/{slug}/settings/", builder_page(400), data={"revision": "0"}),
    row("POST", "/staff/builder/{slug}/pages/", builder_page(400), data={"revision": "0"}),
    row("GET", "/staff/builder/{slug}/pages/{page}/", builder_page(200)),
    row("POST", "/staff/builder/{slug}/pages/{page}/", builder_page(400), data={"revision": "0"}),
    row(
        "POST",
        "/staff/builder/{slug}/pages/{page}/conditions/",
        builder_page(302),
        data={"revision": "0"},
    ),
    # Removing a display condition asks first too.
    row("GET", "/staff/builder/{slug}/pages/certificate/conditions/0/delete/", builder_page(200)),
    row(
        "POST",
        "/staff/builder/{slug}/pages/certificate/conditions/0/delete/",
        builder_page(400),
        data={"revision": "{revision}"},
        note="(not confirmed)",
    ),
    row(
        "POST",
        "/staff/builder/{slug}/pages/certificate/conditions/0/delete/",
        builder_page(302),
        data={"revision": "{revision}", "confirm": "yes"},
        changes={"department_admin"},
        effect=lambda v: (
            not any(page.get("show_if") for page in FormDraft.objects.get().document["pages"])
        ),
    ),
    row("GET", "/staff/builder/{slug}/pages/{page}/questions/", builder_page(200)),
    row(
        "POST",
        "/staff/builder/{slug}/pages/{page}/questions/",
        builder_page(400),
        data={"revision": "0"},
    ),
    row("GET", "/staff/builder/{slug}/pages/{page}/questions/{question}/", builder_page(200)),
    # Deleting a question or a page asks first, on a page of its own; a POST without the
    # page's confirmation changes nothing.
    row(
        "GET", "/staff/builder/{slug}/pages/{page}/questions/{question}/delete/", builder_page(200)
    ),
    row(
        "POST",
        "/staff/builder/{slug}/pages/{page}/questions/{question}/delete/",
        builder_page(400),
        data={"revision": "{revision}"},
        note="(not confirmed)",
    ),
    row(
        "POST",
        "/staff/builder/{slug}/pages/{page}/questions/{question}/delete/",
        builder_page(302),
        data={"revision": "{revision}", "confirm": "yes"},
        changes={"department_admin"},
        effect=lambda v: "breed" not in json.dumps(FormDraft.objects.get().document),
    ),
    row("GET", "/staff/builder/{slug}/pages/certificate/delete/", builder_page(200)),
    row(
        "POST",
        "/staff/builder/{slug}/pages/certificate/delete/",
        builder_page(400),
        data={"revision": "{revision}"},
        note="(not confirmed)",
    ),
    row(
        "POST",
        "/staff/builder/{slug}/pages/certificate/delete/",
        builder_page(302),
        data={"revision": "{revision}", "confirm": "yes"},
        changes={"department_admin"},
        effect=lambda v: (
            [p["id"] for p in FormDraft.objects.get().document["pages"]] == ["applicant", "dog"]
        ),
    ),
    row("GET", "/staff/builder/{slug}/preview/", builder_page(200)),
    row("GET", "/staff/builder/{slug}/preview/{page}/", builder_page(200)),
    row("POST", "/staff/builder/{slug}/publish/", builder_page(302), data={"revision": "0"}),
    # Stopping online intake asks first; a POST without the page's confirmation changes nothing.
    row("GET", "/staff/builder/{slug}/unpublish/", builder_page(200)),
    row("POST", "/staff/builder/{slug}/unpublish/", builder_page(400), note="(not confirmed)"),
    row(
        "POST",
        "/staff/builder/{slug}/unpublish/",
        builder_page(302),
        data={"confirm": "yes"},
        changes={"department_admin"},
        effect=lambda v: Procedure.objects.get(slug=v["slug"]).live_form_id is None,
    ),
    row("GET", "/staff/builder/{slug}/import/", builder_page(200)),
    row("POST", "/staff/builder/{slug}/import/", builder_page(400), data={"revision": "0"}),
    row("GET", "/staff/builder/{slug}/export/", builder_page(200)),
]

# While a correction is pending, the owner reaches the correction pages.
PENDING_CORRECTION: list[Row] = [
    # Opening them starts the owner's correction draft (a copy of the answers).
    row("GET", "/applications/{receipt}/correction/check/", resident_page(200), changes={"owner"}),
    row(
        "GET", "/applications/{receipt}/correction/pages/p/", resident_page(200), changes={"owner"}
    ),
    row("POST", "/applications/{receipt}/correction/discard/", resident_page(302)),
    # An empty correction sends nothing.
    row(
        "POST",
        "/applications/{receipt}/correction/check/",
        resident_page(400),
        changes={"owner"},
    ),
    row(
        "POST",
        "/applications/{receipt}/correction/pages/p/",
        resident_page(302),
        data={"note": "直しました"},
        changes={"owner"},
        effect=lambda v: CorrectionDraft.objects.exists(),
    ),
    row(
        "POST",
        "/applications/{receipt}/correction/",
        resident_page(302),
        data={"message": "書類を送ります"},
        changes={"owner"},
        effect=_status("under_review"),
    ),
]

# The JSON API, with each persona's own token (anonymous sends none): a resident's token
# reaches their own applications; staff tokens reach no resident's application.
API: list[Row] = [
    row(
        "GET", "/api/v1/applications/{receipt}", [401, 200, 404, 404, 404, 404, 404, 404, 404, 404]
    ),
]

MATRIX_ROWS = [*PAGES, *PENDING_CORRECTION, *API]

DOG_ANSWERS = {
    "applicant": {
        "name.family": "大田",
        "name.given": "花子",
        "name.family_kana": "おおた",
        "name.given_kana": "はなこ",
        "address.postal_code": "144-8621",
        "address.address": "東京都大田区蒲田五丁目13番14号",
        "phone": "03-5744-1111",
    },
    "dog": {
        "dog_name": "ポチ",
        "breed": "柴犬",
        "birth_date.year": "2024",
        "birth_date.month": "4",
        "birth_date.day": "1",
        "sex": "male",
        "vaccinated": "yes",
    },
}


def _draft_with_certificate(owner: Any, procedure: Procedure) -> ApplicationDraft:
    draft = intake.draft_for(owner, procedure)
    for page_id, answers in DOG_ANSWERS.items():
        data = QueryDict(mutable=True)
        data.update(answers)
        intake.save_page(draft, page_id, data, {})
    certificate = SimpleUploadedFile("注射済証.pdf", b"%PDF-1.4 certificate")
    intake.save_page(draft, "certificate", QueryDict(), {"certificate": certificate})
    draft.refresh_from_db()
    return draft


@pytest.fixture
def world(catalogue, make_user, personas, departments) -> dict[str, Any]:
    """The owner's objects, all of 戸籍住民課 (koseki): an application on a one-question form
    (catalogue["jido"]), a dog registration sent with a certificate, an unsent draft of another
    with its own certificate, a failed mail about the first, and the first form in the
    builder."""
    owner = make_user("resident")
    application = apply_with_note(owner, open_for_notes(catalogue["jido"]), "内容")
    dog = procedure_services.create_procedure(
        slug="inu-toroku",
        title_ja="犬の登録",
        summary_ja="犬の登録の概要",
        department=departments["koseki"],
        channel="online",
        is_published=True,
        identity_level="account",
    )
    intake.publish_form(dog, FORMS["inu-toroku"])
    dog.refresh_from_db()
    filed = intake.submit(owner, dog, _draft_with_certificate(owner, dog).submission_token)
    unsent = _draft_with_certificate(owner, dog)
    email = OutboundEmail.objects.create(
        recipient=owner.email,
        subject="受付",
        body="",
        language="ja",
        event="received",
        department=departments["koseki"],
        reference=application.receipt_number,
        status="failed",
    )
    NotificationTemplate.objects.create(
        procedure=dog, event="received", language="ja", subject="件名", body="本文"
    )
    form_draft = builder.draft_of(dog)
    return {
        "people": {**personas, "owner": owner},
        "receipt": application.receipt_number,
        "filed_receipt": filed.receipt_number,
        "attachment": Attachment.objects.get(application=filed).pk,
        "draft_attachment": Attachment.objects.get(application=None, owner=unsent.applicant).pk,
        "email": email.pk,
        "slug": dog.slug,
        "event": "received",
        "language": "ja",
        "page": "dog",
        "question": "breed",
        "revision": form_draft.revision,
    }


@pytest.mark.parametrize("request_spec", PAGES, ids=lambda r: r.id)
def test_pages(signed_in, world, request_spec) -> None:
    check_row(signed_in, world["people"], request_spec, world, WATCHED)


@pytest.mark.parametrize("request_spec", PENDING_CORRECTION, ids=lambda r: r.id)
def test_pending_correction(signed_in, world, make_staff, request_spec) -> None:
    clerk = make_staff("clerk", department="koseki")
    clerk.is_verified = lambda: True
    application = Application.objects.get(receipt_number=world["receipt"])
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="直してください")
    check_row(signed_in, world["people"], request_spec, world, WATCHED)


def _token(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    _token, text = api_tokens.create_token(user, name="matrix", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.mark.parametrize("request_spec", API, ids=lambda r: r.id)
def test_api(signed_in, world, request_spec) -> None:
    check_row(signed_in, world["people"], request_spec, world, WATCHED, headers_for=_token)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lists_only_your_own(client, world, persona) -> None:
    """GET /api/v1/applications: the owner's two applications, and nobody else's."""
    user = world["people"][persona]
    response = client.get("/api/v1/applications", **_token(user))
    if user is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    receipts = {item["receipt_number"] for item in response.json()["items"]}
    expected = {world["receipt"], world["filed_receipt"]} if persona == "owner" else set()
    assert receipts == expected, persona


# Approvers and department administrators export their own departments' cases only.
def test_a_form_page_shows_only_the_askers_own_draft(client, signed_in, world) -> None:
    signed_in(client, world["people"]["resident"])
    page = client.get(f"/procedures/{world['slug']}/apply/dog/").content.decode()
    assert "ポチ" not in page and "柴犬" not in page
    signed_in(client, world["people"]["owner"])
    assert "ポチ" in client.get(f"/procedures/{world['slug']}/apply/dog/").content.decode()


EXPORT = [302, 403, 403, 403, 200, 200, 403, 200, 403, 403]


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_counts_only_the_departments_cases(client, signed_in, world, persona) -> None:
    user = world["people"][persona]
    if user is not None:
        signed_in(client, user)
    response = client.get("/staff/applications/export/")
    assert response.status_code == EXPORT[PERSONAS.index(persona)], persona
    if response.status_code == 200:
        assert response.context["count"] == (0 if persona.startswith("other_") else 2)
