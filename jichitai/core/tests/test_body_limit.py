"""Request bodies declared over the limit are refused with 413 before they are read."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):  # type: ignore[no-untyped-def]
    settings.JICHITAI_UPLOAD_REFUSE_BODY_BYTES = 1000
    return settings


def big_post(client: Client, path: str):  # type: ignore[no-untyped-def]
    return client.generic("POST", path, b"x" * 2000, content_type="application/octet-stream")


def test_a_page_answers_with_the_bilingual_413_page(small_limit, client):
    response = big_post(client, "/opendata/staff/")
    assert response.status_code == 413
    page = response.content.decode()
    assert "送信されたデータが大きすぎます" in page and "Request too large" in page
    assert not response.has_header("Connection")  # hop-by-hop: WSGI servers refuse it
    assert "Content-Security-Policy" in response


def test_the_ckan_api_answers_with_its_error_envelope(small_limit, client):
    response = big_post(client, "/api/3/action/package_create")
    assert response.status_code == 413
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Request Too Large"
    assert body["help"].endswith("/api/3/action/help_show?name=package_create")


def test_other_apis_answer_with_problem_json(small_limit, client):
    response = big_post(client, "/api/v1/anything")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_the_body_is_never_read(small_limit, rf):  # type: ignore[no-untyped-def]
    from jichitai.core.middleware import RequestBodyLimitMiddleware

    class Unreadable:
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

    request = rf.post("/opendata/staff/", b"", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = "5000000000"
    request._stream = Unreadable()
    request.user = None
    request.session = {}
    middleware = RequestBodyLimitMiddleware(lambda r: pytest.fail("passed on"))
    assert middleware(request).status_code == 413


def test_bodies_within_the_limit_pass(small_limit, client):
    response = client.post("/api/3/action/package_show", {"id": "nope"})
    assert response.status_code == 404  # reached the action


def test_a_json_body_over_djangos_memory_limit_gets_the_ckan_envelope(settings, client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(
        "/api/3/action/package_search", {"q": "x" * 500}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["__type"] == "Request Too Large"


def chunked_request(rf, path: str, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    """A request as gunicorn hands on a chunked body: no Content-Length, the decoded body in
    wsgi.input."""
    import io

    request = rf.post(path, b"-", content_type=content_type)  # a body, so the type is kept
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.user = None
    request.session = {}
    return request


def test_a_chunked_body_over_the_limit_is_refused_once_the_limit_is_passed(small_limit, rf):
    from jichitai.core.middleware import RequestBodyLimitMiddleware

    class Endless:
        """A client that would go on sending: only what the limit needs may be read."""

        read_so_far = 0

        def read(self, size: int = -1) -> bytes:
            assert size > 0
            self.read_so_far += size
            return b"x" * size

    request = chunked_request(rf, "/api/v1/anything", b"", "application/octet-stream")
    endless = Endless()
    request.environ["wsgi.input"] = endless
    middleware = RequestBodyLimitMiddleware(lambda r: pytest.fail("passed on"))
    response = middleware(request)
    assert response.status_code == 413 and b'"status": 413' in response.content
    assert endless.read_so_far == 1001  # the limit and one byte more


def test_a_chunked_body_within_the_limit_is_read_with_its_length(small_limit, rf):
    from jichitai.core.middleware import RequestBodyLimitMiddleware

    body = b"q=%E5%8C%BA&n=1"
    request = chunked_request(rf, "/api/v1/anything", body, "application/x-www-form-urlencoded")
    seen = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen.update(request.POST.dict())
        from django.http import HttpResponse

        return HttpResponse("ok")

    assert RequestBodyLimitMiddleware(view)(request).status_code == 200
    assert seen == {"q": "区", "n": "1"}
    assert request.META["CONTENT_LENGTH"] == str(len(body))


def test_a_chunked_body_that_breaks_off_is_a_bad_request(small_limit, rf):
    from django.core.exceptions import BadRequest

    from jichitai.core.middleware import RequestBodyLimitMiddleware

    class Broken:
        def read(self, size: int = -1) -> bytes:
            raise OSError("connection reset")

    request = chunked_request(rf, "/api/v1/anything", b"", "text/plain")
    request.environ["wsgi.input"] = Broken()
    with pytest.raises(BadRequest):
        RequestBodyLimitMiddleware(lambda r: pytest.fail("passed on"))(request)
