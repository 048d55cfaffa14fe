"""The staff inbox of data requests (データリクエスト): staff of the concerned department answer
with a status; a system administrator sends unassigned requests to a department. Requests
outside a staff member's departments are 404 to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.opendata import policies
from jichitai.opendata.forms import (
    DataRequestAnswerForm,
    DataRequestAssignForm,
    DataRequestFilterForm,
)
from jichitai.opendata.models import DataRequest
from jichitai.opendata.services import data_requests

PAGE_SIZE = 50


@require_safe
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = DataRequestFilterForm(request.GET or None)
    requests = policies.data_requests_handled_by(request.user).select_related("department")
    status, query = 200, ""
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["status"]:
        requests = requests.filter(status=form.cleaned_data["status"])
        query = f"status={form.cleaned_data['status']}"
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/staff/requests.html",
        {"form": form, "page": page, "query": query},
        status=status,
    )


def _handled_or_404(request: HttpRequest, request_id: int) -> DataRequest:
    found = (
        policies.data_requests_handled_by(request.user)
        .select_related("department", "dataset", "answered_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _page(
    request: HttpRequest,
    data_request: DataRequest,
    *,
    answer_form: DataRequestAnswerForm | None = None,
    assign_form: DataRequestAssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_answer = policies.can_answer_data_request(request.user, data_request)
    may_assign = policies.can_assign_data_request(request.user)
    if may_answer and answer_form is None:
        answer_form = DataRequestAnswerForm(
            initial={
                "status": data_request.status,
                "answer": data_request.answer,
                "is_public": data_request.is_public,
            },
            auto_id="answer-%s",
        )
    if may_assign and assign_form is None:
        assign_form = DataRequestAssignForm(
            initial={"department": data_request.department_id}, auto_id="assign-%s"
        )
    return render(
        request,
        "opendata/staff/request.html",
        {
            "data_request": data_request,
            "events": data_request.events.select_related("actor"),
            "answer_form": answer_form if may_answer else None,
            "assign_form": assign_form if may_assign else None,
            "has_errors": status != 200,
        },
        status=status,
    )


@require_safe
@staff_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _page(request, _handled_or_404(request, request_id))


@require_POST
@staff_required
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    data_request = _handled_or_404(request, request_id)
    form = DataRequestAnswerForm(request.POST, auto_id="answer-%s")
    if form.is_valid():
        try:
            data_requests.answer_request(
                request.user,
                data_request,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                is_public=form.cleaned_data["is_public"],
            )
        except DomainError as error:
            if error.code == "opendata.request.forbidden":
                raise PermissionDenied from error
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("回答を保存しました。"))
            return redirect("opendata:staff_data_request", request_id=data_request.pk)
    return _page(request, data_request, answer_form=form, status=400)


@require_POST
@staff_required
def assign(request: HttpRequest, request_id: int) -> HttpResponse:
    data_request = _handled_or_404(request, request_id)
    form = DataRequestAssignForm(request.POST, auto_id="assign-%s")
    if form.is_valid():
        try:
            data_requests.assign_department(
                request.user, data_request, form.cleaned_data["department"]
            )
        except DomainError as error:
            if error.code == "opendata.request.forbidden":
                raise PermissionDenied from error
            form.add_error("department", error.message)
        else:
            messages.success(request, _("担当課を決めました。"))
            return redirect("opendata:staff_data_request", request_id=data_request.pk)
    return _page(request, data_request, assign_form=form, status=400)
