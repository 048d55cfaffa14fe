"""Receipt PDFs (受付票) and uploaded files: what they contain, who may download them, and how
hostile uploads are refused."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from jichitai.governance.models import AuditEvent
from jichitai.procedures.documents.downloads import content_disposition
from jichitai.procedures.documents.receipt_pdf import (
    ReceiptAnswer,
    ReceiptData,
    ReceiptSection,
    render_receipt,
)
from jichitai.procedures.models import Application, ApplicationDraft, Attachment
from jichitai.procedures.services import review

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
DOG = {
    "dog_name": "ポチ",
    "breed": "柴犬",
    "birth_date.year": "2024",
    "birth_date.month": "4",
    "birth_date.day": "1",
    "sex": "male",
    "vaccinated": "yes",
}
PDF = b"%PDF-1.4 certificate"
PNG = b"\x89PNG\r\n\x1a\n image"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def _url(procedure, page=""):
    return f"/procedures/{procedure.slug}/apply/{page + '/' if page else ''}"


def _draft_with_certificate(client, dog, name="注射済証.pdf", content=PDF):
    assert client.post(_url(dog)).status_code == 302
    client.post(_url(dog, "applicant"), APPLICANT)
    assert client.post(_url(dog, "dog"), DOG)["Location"] == _url(dog, "certificate")
    return client.post(_url(dog, "certificate"), {"certificate": SimpleUploadedFile(name, content)})


def _submit(client, dog) -> Application:
    token = ApplicationDraft.objects.get(applicant=client.resident).submission_token
    client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    return Application.objects.get(applicant=client.resident)


@pytest.fixture
def filed(resident_client, dog, municipality):
    """A dog registration with its vaccination certificate, by resident_client's resident."""
    assert _draft_with_certificate(resident_client, dog)["Location"] == _url(dog, "check")
    return _submit(resident_client, dog)


# --- The PDF itself ---------------------------------------------------------------------------


def test_the_receipt_shows_the_essentials_in_japanese() -> None:
    receipt = ReceiptData(
        municipality="東京都大田区",
        procedure_title="特別定額給付金の申請",
        receipt_number="7KXM-3RFA",
        submitted_at=dt.datetime(2026, 11, 28, 23, 59),
        status="承認",
        applicant_name="大田 花子",
        decided_on=dt.date(2026, 12, 3),
        sections=[ReceiptSection("世帯", [ReceiptAnswer("住所", "東京都大田区蒲田五丁目")])],
    )
    content = render_receipt(receipt)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in [
        "東京都大田区",
        "受付票",
        "7KXM-3RFA",
        "特別定額給付金の申請",
        "令和8年11月28日 23時59分",
        "承認",
        "令和8年12月3日",
        "大田 花子",
        "東京都大田区蒲田五丁目",
    ]:
        assert expected in text, expected
    # The same data makes the same bytes (no timestamps or random ids inside).
    assert render_receipt(receipt) == content


def test_long_answers_wrap_and_run_over_several_pages() -> None:
    long_answer = "大田区の給付金についての長い説明です。" * 300 + "ここまで"
    receipt = ReceiptData(
        municipality="東京都大田区",
        procedure_title="長い申請",
        receipt_number="7KXM-3RFA",
        submitted_at=dt.datetime(2026, 11, 28, 9, 5),
        status="受付",
        applicant_name="大田 花子",
        sections=[
            ReceiptSection(f"ページ{n}", [ReceiptAnswer("説明", long_answer)]) for n in range(3)
        ],
    )
    reader = PdfReader(io.BytesIO(render_receipt(receipt)))
    assert len(reader.pages) > 3
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert text.count("ここまで") == 3 and "<" not in text[:10]


def test_markup_in_answers_is_printed_as_text() -> None:
    receipt = ReceiptData(
        municipality="東京都大田区",
        procedure_title="t",
        receipt_number="7KXM-3RFA",
        submitted_at=dt.datetime(2026, 11, 28, 9, 5),
        status="受付",
        applicant_name="<b>x</b>",
        sections=[ReceiptSection("s", [ReceiptAnswer("a", "<font size=99>&amp;")])],
    )
    text = pdf_text(render_receipt(receipt))
    assert "<b>x</b>" in text and "<font size=99>&amp;" in text


# --- The receipt for a real application ------------------------------------------------------


def test_the_owner_downloads_the_receipt_with_answers_and_files(resident_client, filed) -> None:
    response = resident_client.get(f"/applications/{filed.receipt_number}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-{filed.receipt_number}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.content)
    for expected in [
        filed.receipt_number,
        filed.procedure.title_ja,
        "東京都大田区",
        "大田 花子",
        "柴犬",
    ]:
        assert expected in text, expected
    assert "注射済証.pdf" in text  # file answers by their name
    detail = resident_client.get(f"/applications/{filed.receipt_number}/").content.decode()
    assert f'href="/applications/{filed.receipt_number}/receipt.pdf"' in detail


def test_the_receipt_shows_the_decision_date(resident_client, filed, make_staff) -> None:
    approver = make_staff("approver", department="koseki")
    approver.is_verified = lambda: True  # as the second-factor middleware marks a session
    review.move(approver, filed, "under_review")
    review.move(approver, filed, "approved")
    text = pdf_text(
        resident_client.get(f"/applications/{filed.receipt_number}/receipt.pdf").content
    )
    assert "承認" in text and "決定日" in text


def test_files_sent_with_a_correction_are_listed(resident_client, filed, make_staff) -> None:
    clerk = make_staff("clerk", department="koseki")
    clerk.is_verified = lambda: True
    review.move(clerk, filed, "under_review")
    review.move(clerk, filed, "correction_requested", message="写しを送ってください。")
    resident_client.post(
        f"/applications/{filed.receipt_number}/correction/",
        {"message": "送ります。", "upload": SimpleUploadedFile("通帳の写し.png", PNG)},
    )
    text = pdf_text(
        resident_client.get(f"/applications/{filed.receipt_number}/receipt.pdf").content
    )
    assert "補正で提出された書類" in text and "通帳の写し.png" in text
    page = resident_client.get(f"/applications/{filed.receipt_number}/").content.decode()
    assert "通帳の写し.png" in page and "注射済証.pdf" in page


def test_receipt_access(client, filed, make_user, make_staff, signed_in) -> None:
    url = f"/applications/{filed.receipt_number}/receipt.pdf"
    staff_url = f"/staff/applications/{filed.receipt_number}/receipt.pdf"
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/sign-in/?next=")
    assert client.get(staff_url)["Location"].startswith("/accounts/sign-in/?next=")
    signed_in(client, make_user("resident"))
    assert client.get(url).status_code == 404
    assert client.get(staff_url).status_code == 403
    signed_in(client, make_staff("clerk", department="kazei"))
    assert client.get(staff_url).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.export").exists()
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    response = client.get(staff_url)
    assert response.status_code == 200 and filed.receipt_number in pdf_text(response.content)
    event = AuditEvent.objects.get(action="personal_data.export", actor_id=clerk.pk)
    assert event.subject_id == filed.applicant_id
    assert event.detail == {"purpose": "application.receipt_pdf"}
    page = client.get(f"/staff/applications/{filed.receipt_number}/").content.decode()
    assert f'href="{staff_url}"' in page


# --- Attachments ----------------------------------------------------------------------------


def test_attachment_access(client, filed, make_user, make_staff, signed_in) -> None:
    attachment = Attachment.objects.get(application=filed)
    url = f"/applications/{filed.receipt_number}/attachments/{attachment.pk}/"
    staff_url = f"/staff/applications/{filed.receipt_number}/attachments/{attachment.pk}/"
    owner_page = client.get(f"/applications/{filed.receipt_number}/").content.decode()
    assert f'href="{url}"' in owner_page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="attachment-{attachment.pk}.pdf"; '
        "filename*=UTF-8''%E6%B3%A8%E5%B0%84%E6%B8%88%E8%A8%BC.pdf"
    )
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/sign-in/?next=")
    signed_in(client, make_user("resident"))
    assert client.get(url).status_code == 404
    signed_in(client, make_staff("clerk", department="kazei"))
    assert client.get(staff_url).status_code == 404
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    assert (
        f'href="{staff_url}"'
        in client.get(f"/staff/applications/{filed.receipt_number}/").content.decode()
    )
    response = client.get(staff_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.get(action="personal_data.export", actor_id=clerk.pk)
    assert event.subject_id == filed.applicant_id
    assert event.detail == {"purpose": "application.attachment", "attachment": attachment.pk}


def test_an_attachment_of_another_application_is_not_found(
    client, filed, dog, make_user, signed_in
) -> None:
    """The id in the URL must belong to the application in the URL, and that to the user."""
    other = make_user("resident")
    signed_in(client, other)
    client.resident = other
    _draft_with_certificate(client, dog, name="mine.pdf")
    mine = _submit(client, dog)
    theirs = Attachment.objects.get(application=filed)
    assert (
        client.get(f"/applications/{mine.receipt_number}/attachments/{theirs.pk}/").status_code
        == 404
    )


def test_the_owner_can_check_a_draft_upload_before_submitting(
    client, resident_client, dog, make_user, signed_in
) -> None:
    _draft_with_certificate(resident_client, dog)
    attachment = Attachment.objects.get()
    url = f"/procedures/{dog.slug}/apply/attachments/{attachment.pk}/"
    check = resident_client.get(_url(dog, "check")).content.decode()
    assert f'href="{url}"' in check
    response = resident_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    other = make_user("resident")
    signed_in(resident_client, other)
    assert resident_client.get(url).status_code == 404


def test_uploaded_files_are_never_served_from_the_media_folder(resident_client, filed) -> None:
    attachment = Attachment.objects.get(application=filed)
    assert settings.MEDIA_URL in ("", "/")  # no URL maps onto MEDIA_ROOT
    for prefix in ("/media/", "/", "/static/"):
        assert resident_client.get(prefix + attachment.storage_name).status_code == 404
    assert Path(settings.MEDIA_ROOT, attachment.storage_name).read_bytes() == PDF
    assert "注射" not in attachment.storage_name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("photo.jpg", b"PK\x03\x04\x14\x00\x00\x00\x08\x00zip inside"),
        ("image.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x"/>'),
        ("drawing.svg", b"<svg onload=alert(1)>"),
        ("archive.pdf", b"\x1f\x8b\x08\x00gzip"),
        ("page.pdf", b"   %PDF-1.4 preceded by spaces"),
        ("empty.pdf", b""),
    ],
)
def test_hostile_or_empty_uploads_are_refused_and_nothing_is_stored(
    resident_client, dog, name, content
) -> None:
    response = _draft_with_certificate(resident_client, dog, name=name, content=content)
    assert response.status_code == 400
    body = response.content.decode()
    assert "PDF、JPEG、PNG" in body or "選んでください" in body
    assert not Attachment.objects.exists()
    assert "certificate" not in ApplicationDraft.objects.get().answers
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_oversized_upload_is_refused(resident_client, dog) -> None:
    big = b"%PDF-1.4 " + b"0" * (5 * 1024 * 1024)  # the dog form allows 5 MB
    response = _draft_with_certificate(resident_client, dog, content=big)
    assert response.status_code == 400 and "5MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_content_disposition_names() -> None:
    assert (
        content_disposition("receipt-7KXM-3RFA.pdf")
        == 'attachment; filename="receipt-7KXM-3RFA.pdf"'
    )
    header = content_disposition('a"\r\n;b.pdf', '通帳"; x.pdf')
    assert header == (
        "attachment; filename=\"ab.pdf\"; filename*=UTF-8''%E9%80%9A%E5%B8%B3%22%3B%20x.pdf"
    )


ATTACHMENT_PERSONAS = {
    # persona: (resident URL, staff URL)
    "anonymous": (302, 302),
    "owner": (200, 403),
    "other_resident": (404, 403),
    "clerk": (403, 200),
    "approver": (403, 200),
    "other_department_clerk": (403, 404),
    "system_admin": (403, 404),
    "auditor": (403, 404),
}


@pytest.mark.parametrize("persona", ATTACHMENT_PERSONAS)
def test_attachment_matrix(client, filed, make_user, make_staff, signed_in, persona) -> None:
    people = {
        "owner": filed.applicant,
        "other_resident": make_user("resident"),
        "clerk": make_staff("clerk", department="koseki"),
        "approver": make_staff("approver", department="koseki"),
        "other_department_clerk": make_staff("clerk", department="kazei"),
        "system_admin": make_staff("system_admin"),
        "auditor": make_staff("auditor"),
    }
    client.logout()
    if persona != "anonymous":
        signed_in(client, people[persona])
    attachment = Attachment.objects.get(application=filed)
    urls = (
        f"/applications/{filed.receipt_number}/attachments/{attachment.pk}/",
        f"/staff/applications/{filed.receipt_number}/attachments/{attachment.pk}/",
    )
    for url, expected in zip(urls, ATTACHMENT_PERSONAS[persona], strict=True):
        response = client.get(url)
        if response.streaming:  # read to the end, which closes the file (and only the file)
            b"".join(response.streaming_content)
        assert response.status_code == expected, url
    # Nobody reaches a draft's file but its owner, and a sent file is no draft's any more:
    # visitors sign in, residents (the owner too) find nothing, staff are refused.
    expected = {"anonymous": 302, "owner": 404, "other_resident": 404}.get(persona, 403)
    assert (
        client.get(
            f"/procedures/{filed.procedure.slug}/apply/attachments/{attachment.pk}/"
        ).status_code
        == expected
    )


def test_a_huge_upload_never_reaches_the_disk_whole(resident_client, dog, settings) -> None:
    """Past the memory limit, at most JICHITAI_UPLOAD_MAX_BYTES of a file is written to the
    temporary folder; the file keeps its real size, so it is refused as too large."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.JICHITAI_UPLOAD_MAX_BYTES = 256 * 1024
    from jichitai.core.uploads import CappedTemporaryFileUploadHandler

    handler = CappedTemporaryFileUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 10 * 1024 * 1024)
    chunk = b"%PDF-1.4" + b"0" * (64 * 1024 - 8)
    for index in range(16):
        handler.receive_data_chunk(chunk, index * len(chunk))
    stored = handler.file_complete(16 * len(chunk))
    assert stored is not None
    assert stored.size == 16 * len(chunk)
    stored.seek(0, 2)
    assert stored.tell() <= 256 * 1024
    stored.close()
    big = b"%PDF-1.4 " + b"0" * (6 * 1024 * 1024)  # over the dog form's 5 MB, over the cap
    response = _draft_with_certificate(resident_client, dog, content=big)
    assert response.status_code == 400 and "5MB" in response.content.decode()
    assert not Attachment.objects.exists()
