"""Public pages of the open data portal (files first; the search UI builds on these)."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from jichitai.opendata.models import Resource, State
from jichitai.opendata.policies import datasets_visible_to

EXTENSIONS = {"CSV": "csv", "PDF": "pdf", "JSON": "json", "GEOJSON": "geojson"}


@require_safe
def resource_download(
    request: HttpRequest, dataset_id: uuid.UUID, resource_id: uuid.UUID
) -> FileResponse:
    """The published file of a resource: the checked UTF-8 copy of a table, else the upload."""
    resource = get_object_or_404(
        Resource.objects.select_related("dataset", "published_file"),
        pk=resource_id,
        dataset_id=dataset_id,
        dataset__in=datasets_visible_to(request.user),
        state=State.ACTIVE,
    )
    published = resource.published_file
    if published is None:
        raise Http404
    name = published.published_storage_name or published.original_storage_name
    extension = EXTENSIONS.get(published.format, "bin")
    content_type = "text/csv; charset=utf-8" if published.format == "CSV" else published.media_type
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{resource.dataset.name}-{resource.position + 1}.{extension}",
        content_type=content_type,
    )
