"""Background tasks of the open data module."""

from __future__ import annotations

from django_tasks import task


@task()
def check_resource_file(file_id: int) -> None:
    """Check an uploaded file (large tables take a while; staff see the progress)."""
    from jichitai.opendata.services.uploads import check_file

    check_file(file_id)
