"""Downloads: the receipt PDF (受付票) and uploaded files, for the applicant and the owning
department's staff only. Staff downloads are recorded as exports of personal data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from jichitai.accounts.views import staff_required
from jichitai.governance.services import record_event, record_personal_data_access
from jichitai.procedures import policies, selectors
from jichitai.procedures.documents.downloads import attachment_download, pdf_download
from jichitai.procedures.documents.receipt import receipt_data
from jichitai.procedures.documents.receipt_pdf import render_receipt
from jichitai.procedures.models import Application, Attachment
from jichitai.procedures.receipts import normalise
from jichitai.procedures.views.apply import resident_required


def _receipt(application: Application) -> HttpResponse:
    return pdf_download(
        render_receipt(receipt_data(application)), f"receipt-{application.receipt_number}.pdf"
    )


def _staff_case(request: HttpRequest, receipt_number: str) -> Application:
    return get_object_or_404(
        policies.applications_visible_to_staff(request.user).select_related(
            "procedure", "applicant", "form_version"
        ),
        receipt_number=normalise(receipt_number),
    )


def _own_case(request: HttpRequest, receipt_number: str) -> Application:
    return get_object_or_404(
        selectors.applications_of(request.user).select_related("applicant", "form_version"),
        receipt_number=normalise(receipt_number),
    )


@require_safe
@resident_required
def receipt_pdf(request: HttpRequest, receipt_number: str) -> HttpResponse:
    return _receipt(_own_case(request, receipt_number))


@require_safe
@staff_required
def staff_receipt_pdf(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _staff_case(request, receipt_number)
    response = _receipt(application)
    record_personal_data_access(
        "export",
        actor=request.user,
        target=application,
        subject_id=application.applicant_id,
        fields=sorted(application.answers),
        purpose="application.receipt_pdf",
    )
    return response


@require_safe
@resident_required
def attachment(request: HttpRequest, receipt_number: str, attachment_id: int) -> HttpResponse:
    application = _own_case(request, receipt_number)
    found = get_object_or_404(Attachment, pk=attachment_id, application=application)
    return attachment_download(found)


@require_safe
@staff_required
def staff_attachment(request: HttpRequest, receipt_number: str, attachment_id: int) -> HttpResponse:
    application = _staff_case(request, receipt_number)
    found = get_object_or_404(Attachment, pk=attachment_id, application=application)
    response = attachment_download(found)
    # As record_personal_data_access, naming which file went out.
    record_event(
        "personal_data.export",
        actor=request.user,
        target=application,
        subject_id=application.applicant_id,
        fields=["attachments"],
        detail={"purpose": "application.attachment", "attachment": found.pk},
    )
    return response


@require_safe
@resident_required
def draft_attachment(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """A file the resident uploaded to their draft, to check before submitting."""
    found = selectors.draft_attachment(request.user, slug, attachment_id)
    if found is None:
        raise Http404
    return attachment_download(found)
