"""Public pages of data requests (データリクエスト): the list, filing one, one request with its
answers. Anyone may file, signed in or not; the requester's e-mail address is never shown."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jichitai.core.client_ip import client_ip_from_request
from jichitai.core.errors import DomainError
from jichitai.opendata.forms import DataRequestFilterForm, DataRequestForm
from jichitai.opendata.models import DataRequest, Dataset
from jichitai.opendata.policies import published_datasets
from jichitai.opendata.services import data_requests

PAGE_SIZE = 20


@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    form = DataRequestFilterForm(request.GET or None)
    requests = DataRequest.objects.filter(is_public=True).select_related("department")
    status, query = 200, ""
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["status"]:
        requests = requests.filter(status=form.cleaned_data["status"])
        query = f"status={form.cleaned_data['status']}"
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/requests/list.html",
        {"form": form, "page": page, "query": query},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # Asked from a data set's page: name it, if it is one the public can see.
        dataset = published_datasets().filter(name=request.GET.get("dataset", "")[:100]).first()
        form = DataRequestForm(initial={"dataset": dataset.name if dataset else ""})
        return _form_page(request, form, dataset)
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, form.cleaned_data.get("dataset"), status=400)
    data = form.cleaned_data
    client_ip = client_ip_from_request(request)
    try:
        filed = data_requests.file_request(
            title=data["title"],
            description=data["description"],
            purpose=data["purpose"],
            requester_name=data["requester_name"],
            requester_email=data["requester_email"],
            language=get_language() or "ja",
            department=data["department"],
            dataset=data["dataset"],
            user=request.user,
            client_ip=client_ip,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        response = _form_page(request, form, data["dataset"], status=429)
        response["Retry-After"] = str(max(data_requests.retry_after(client_ip), 1))
        return response
    messages.success(request, _("データリクエストを受け付けました。ありがとうございます。"))
    return redirect("opendata:data_request", request_id=filed.pk)


def _form_page(
    request: HttpRequest, form: DataRequestForm, dataset: Dataset | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "opendata/requests/new.html", {"form": form, "dataset": dataset}, status=status
    )


@require_safe
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    data_request = (
        DataRequest.objects.filter(is_public=True, pk=request_id)
        .select_related("department", "dataset")
        .first()
    )
    if data_request is None:
        raise Http404
    return render(
        request,
        "opendata/requests/detail.html",
        {"data_request": data_request, "events": data_request.events.all()},
    )
