"""Background tasks of the open data module."""

from __future__ import annotations

from django_tasks import task


@task()
def check_resource_file(file_id: int) -> None:
    """Check an uploaded file (large tables take a while; staff see the progress)."""
    from jichitai.opendata.services.uploads import check_file

    check_file(file_id)


@task()
def load_datastore(file_id: int) -> None:
    """Load a published table into the datastore (a million rows take some seconds)."""
    from jichitai.opendata.services.datastore import load_published_file

    load_published_file(file_id)
