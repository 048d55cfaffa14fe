"""Schemathesis drives every documented API operation with generated input.

Every response must be documented, match its schema, and never be a server error; invalid
input must be refused. Runs against the WSGI application in process (no network).
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def api_data(db, catalogue):
    """Some published procedures, so that reads have something to return.

    Like Django's test client, keep the request cycle from closing the database connection
    that holds the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield catalogue
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operations_behave(case, api_data) -> None:
    from config.wsgi import application

    case.call_and_validate(app=application)
