"""The platform's URLs plus the reference the surge benchmark measures against: the least a
Django view can do to accept a submission — parse the JSON and insert it in one transaction."""

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

REFERENCE_TABLE = "bench_reference_submission"


@csrf_exempt
@require_POST
def reference_insert(request: HttpRequest) -> HttpResponse:
    payload = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {REFERENCE_TABLE} (idempotency_key, payload) VALUES (%s, %s)",  # noqa: S608
            [request.headers.get("Idempotency-Key", ""), json.dumps(payload, ensure_ascii=False)],
        )
    return JsonResponse({"stored": True}, status=201)


urlpatterns = [*urlpatterns, path("bench/reference/", reference_insert)]
