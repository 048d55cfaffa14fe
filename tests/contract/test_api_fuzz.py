"""Schemathesis drives every documented API operation with generated input.

Every response must be documented, match its schema, and never be a server error; invalid
input must be refused. Runs against the WSGI application in process (no network).
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from config.api import api
from jichitai.accounts import api_tokens
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import NOTE_FORM

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def api_data(db, catalogue, make_user):
    """Some published procedures, one taking applications, and a resident's API token, so that
    reads have something to return and writes get past authentication.

    Like Django's test client, keep the request cycle from closing the database connection
    that holds the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    procedure = catalogue["jido"]
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, NOTE_FORM)
    _token, text = api_tokens.create_token(make_user("resident"), name="fuzz", days=30)
    try:
        yield {"Authorization": f"Bearer {text}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operations_behave(case, api_data) -> None:
    from config.wsgi import application

    # Whether answers are acceptable depends on the form, which a JSON schema cannot say: a
    # schema-valid submission may rightly be refused (422 naming the answer at fault).
    excluded: list[CheckFunction] = (
        [positive_data_acceptance] if case.path.endswith("/applications") else []
    )
    # ignored_auth replays the request over the network, which this in-process run has not;
    # requests without or with bad tokens are tested in procedures/tests/test_api_applications.
    excluded.append(ignored_auth)
    if case.headers and "Authorization" in case.headers:
        # A generated token never exists: swap in a real one (requests that leave the header
        # out on purpose keep leaving it out).
        case.headers["Authorization"] = api_data["Authorization"]
    case.call_and_validate(app=application, excluded_checks=excluded)
