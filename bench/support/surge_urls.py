"""The platform's URLs plus what the surge benchmark measures against.

- The reference: the least a Django view can do to accept a submission — parse the JSON and
  insert it in one transaction.
- The floor: the same insert behind what every API submission goes through before the
  application's own work starts — django-ninja, the API token check, the body schema and the
  Idempotency-Key header's checks. The surge's distance from the floor is what submitting
  itself costs (answer checks, files, the application's rows and audit entry), apart from the
  framework."""

import json
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja import NinjaAPI, Schema

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401
from jichitai.accounts.api_auth import api_token_auth
from jichitai.procedures.api import idempotency_key_header
from jichitai.procedures.schemas import ApplicationIn

REFERENCE_TABLE = "bench_reference_submission"


def _insert(idempotency_key: str, payload: Any) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {REFERENCE_TABLE} (idempotency_key, payload) VALUES (%s, %s)",  # noqa: S608
            [idempotency_key, json.dumps(payload, ensure_ascii=False)],
        )


@csrf_exempt
@require_POST
def reference_insert(request: HttpRequest) -> HttpResponse:
    _insert(request.headers.get("Idempotency-Key", ""), json.loads(request.body))
    return JsonResponse({"stored": True}, status=201)


floor_api = NinjaAPI(urls_namespace="bench-floor", docs_url=None, openapi_url=None)


class FloorReceipt(Schema):
    receipt_number: str


@floor_api.post("/applications", auth=api_token_auth, response={201: FloorReceipt})
def floor_insert(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: str = idempotency_key_header(),
) -> tuple[int, dict[str, str]]:
    _insert(idempotency_key, {"answers": payload.answers})
    return 201, {"receipt_number": idempotency_key}


urlpatterns = [
    *urlpatterns,
    path("bench/reference/", reference_insert),
    path("bench/floor/", floor_api.urls),
]
