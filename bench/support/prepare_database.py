"""Prepare a scratch database for a live server (run by live_server.prepare in a subprocess,
with DATABASE_URL set): migrate, load the demo catalogue, make residents with API tokens, and
create the surge benchmark's reference table. Prints the tokens as a JSON list."""

from __future__ import annotations

import json
import sys

import django


def main(residents: int) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.support.surge_urls import REFERENCE_TABLE
    from jichitai.accounts import api_tokens
    from jichitai.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    tokens = []
    for number in range(residents):
        user = User.objects.create_user(
            email=f"live{number}@example.jp",
            password=None,
            display_name=f"負荷試験 {number}",
            kind="resident",
            email_verified_at=timezone.now(),
        )
        tokens.append(api_tokens.create_token(user, name="live server", days=30)[1])
    identity = " generated always as identity" if connection.vendor == "postgresql" else ""
    payload = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {REFERENCE_TABLE} (id integer primary key{identity},"
            f" idempotency_key varchar(64) not null, payload {payload} not null)"
        )
    print(json.dumps(tokens))


if __name__ == "__main__":
    main(int(sys.argv[1]))
