"""The public catalogue: search procedures, read one, follow a life event."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jichitai.procedures import selectors
from jichitai.procedures.forms import CatalogueSearchForm

PAGE_SIZE = 20


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    departments = list(selectors.catalogue_departments())
    form = CatalogueSearchForm(request.GET or None, departments=departments)
    status = 200
    if form.is_bound and not form.is_valid():
        procedures = selectors.published_procedures().none()
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        procedures = selectors.search_published_procedures(
            data.get("q", ""),
            department_code=data.get("department", ""),
            online_only=bool(data.get("online")),
        )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "procedures/catalogue.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": form.is_bound,
            "life_events": selectors.life_events(),
        },
        status=status,
    )


@require_safe
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = selectors.published_procedure(slug)
    if procedure is None:
        raise Http404
    return render(request, "procedures/procedure_detail.html", {"procedure": procedure})


@require_safe
def life_event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    life_event = selectors.life_event_with_steps(slug)
    if life_event is None:
        raise Http404
    return render(request, "procedures/life_event_detail.html", {"life_event": life_event})
