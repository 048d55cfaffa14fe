"""Staff pages of the open data module: upload a file, follow its check, read the report,
clear personal data, publish. Staff see only their departments' data sets (404 otherwise)."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts import policies as account_policies
from jichitai.accounts.views import staff_required
from jichitai.core import spreadsheet_csv
from jichitai.core.errors import DomainError
from jichitai.opendata import policies, selectors
from jichitai.opendata.forms import ClearanceForm, UploadForm
from jichitai.opendata.models import CheckStatus, Dataset
from jichitai.opendata.report_table import report_view
from jichitai.opendata.services import uploads
from jichitai.opendata.services.editing import publication_problems

RUNNING = {CheckStatus.QUEUED, CheckStatus.CHECKING}
REPORT_ROWS_SHOWN = 50


@require_safe
@staff_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = selectors.datasets_for_staff_list(request.user)
    may_create = policies.departments_for_new_datasets(request.user).exists()
    context = {"datasets": datasets, "may_create": may_create}
    return render(request, "opendata/staff/list.html", context)


def _dataset_or_404(request: HttpRequest, name: str) -> Dataset:
    dataset = selectors.editable_dataset(request.user, name)
    if dataset is None:
        raise Http404
    return dataset


def _page(
    request: HttpRequest,
    dataset: Dataset,
    *,
    status: int = 200,
    failed_upload: tuple[uuid.UUID, UploadForm] | None = None,
    failed_clearance: tuple[int, ClearanceForm] | None = None,
) -> HttpResponse:
    """The data set's files, each resource with its upload form and each file with its
    clearance form; ids carry the resource or file so several forms share one page."""
    resources = []
    for resource in selectors.resources_of(dataset):
        files = []
        for stored in selectors.recent_files(resource):
            clearance = ClearanceForm(auto_id=f"clear-{stored.pk}-%s")
            if failed_clearance and failed_clearance[0] == stored.pk:
                clearance = failed_clearance[1]
            files.append((stored, clearance, report_view(stored, REPORT_ROWS_SHOWN)))
        upload_form = UploadForm(auto_id=f"upload-{resource.pk}-%s")
        if failed_upload and failed_upload[0] == resource.pk:
            upload_form = failed_upload[1]
        resources.append((resource, files, upload_form))
    latest = [files[0][0] for _, files, _ in resources if files]
    failing = selectors.failing_published_files([resource for resource, _, _ in resources])
    context = {
        "dataset": dataset,
        "resources": resources,
        "may_clear": policies.can_clear_personal_data(request.user, dataset),
        "may_publish": policies.can_publish_dataset(request.user, dataset),
        "publication_problems": publication_problems(dataset),
        "running": any(stored.status in RUNNING for stored in latest),
        "failing": failing,
        "report_rows_shown": REPORT_ROWS_SHOWN,
        "has_errors": bool(failed_upload or failed_clearance),
    }
    template = "opendata/staff/dataset.html"
    if request.headers.get("HX-Request") == "true":
        template += "#files"
    return render(request, template, context, status=status)


@require_safe
@staff_required
def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    return _page(request, _dataset_or_404(request, name))


@require_POST
@staff_required
def upload(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    resource = next((r for r in selectors.resources_of(dataset) if r.pk == resource_id), None)
    if resource is None:
        raise Http404
    form = UploadForm(request.POST, request.FILES, auto_id=f"upload-{resource.pk}-%s")
    status = 400
    if form.is_valid():
        try:
            uploads.receive_upload(request.user, resource, form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
            if error.code == "opendata.too_large":
                status = 413
        else:
            messages.success(request, _("ファイルを受け付けました。内容を確認しています。"))
            return redirect("opendata:staff_dataset", name=dataset.name)
    return _page(request, dataset, status=status, failed_upload=(resource.pk, form))


def upload_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """RequestBodyLimitMiddleware's answer to an upload over the limit, before the body is
    read: the data set's page again with 413, the file field saying the limit, so staff
    see why and can choose another file. Anyone who could not open the page gets the
    generic 413 page."""
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    user = request.user
    dataset = None
    if user.is_authenticated and account_policies.is_verified_staff(user):
        dataset = selectors.editable_dataset(user, kwargs.get("name", ""))
    resource = None
    if dataset is not None:
        wanted = kwargs.get("resource_id")
        resource = next((r for r in selectors.resources_of(dataset) if r.pk == wanted), None)
    if dataset is None or resource is None:
        return render(request, "errors/413.html", status=413)
    form = UploadForm.too_large(auto_id=f"upload-{resource.pk}-%s")
    return _page(request, dataset, status=413, failed_upload=(resource.pk, form))


# Answered by RequestBodyLimitMiddleware (a declared or chunked body over the limit).
upload.request_too_large = upload_too_large  # type: ignore[attr-defined]


@require_POST
@staff_required
def publish(request: HttpRequest, name: str, file_id: int) -> HttpResponse:
    stored = selectors.editable_file(request.user, name, file_id)
    if stored is None:
        raise Http404
    try:
        uploads.publish_file(request.user, stored)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("ファイルを公開しました。"))
    return redirect("opendata:staff_dataset", name=name)


@require_POST
@staff_required
def clear(request: HttpRequest, name: str, file_id: int) -> HttpResponse:
    stored = selectors.editable_file(request.user, name, file_id)
    if stored is None:
        raise Http404
    form = ClearanceForm(request.POST, auto_id=f"clear-{stored.pk}-%s")
    if form.is_valid():
        try:
            uploads.clear_personal_data(request.user, stored, form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("個人情報の確認を記録しました。公開できます。"))
            return redirect("opendata:staff_dataset", name=name)
    return _page(request, stored.resource.dataset, status=400, failed_clearance=(stored.pk, form))


@require_safe
@staff_required
def report_csv(request: HttpRequest, name: str, file_id: int) -> HttpResponse:
    """The full report as a spreadsheet (formulas in cells defused): streamed from the file
    the check wrote, with every issue; files checked before such files existed get the
    issues the database kept."""
    stored = selectors.editable_file(request.user, name, file_id)
    if stored is None:
        raise Http404
    filename = f"report-{stored.pk}.csv"
    if stored.report_storage_name:
        handle = default_storage.open(stored.report_storage_name, "rb")
        streamed = FileResponse(
            handle, as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8"
        )
        # staff_required is typed for HttpResponse; a streamed file serves all the same.
        return cast("HttpResponse", streamed)
    header = [_("種類"), _("行"), _("列"), _("値"), _("内容")]
    rows = [
        [
            issue["type"],
            issue["row_number"] or "",
            issue["field_name"] or "",
            issue["cell"] or "",
            issue["message"],
        ]
        for issue in [*stored.issues, *stored.warnings]
    ]
    content, _replaced = spreadsheet_csv.write(header, rows, "utf-8")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
