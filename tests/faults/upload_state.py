"""Helper of test_oversized_uploads, run in a subprocess with the server's environment.

`python -m tests.faults.upload_state session` signs the demo's system administrator in as
the real flow leaves staff (second factor verified) and prints, as JSON, the session cookie,
a staff API token and a data set's resource to upload to; `... count` prints how many
uploaded files (ResourceFile rows) there are.
"""

from __future__ import annotations

import json
import sys
import time

import django


def session() -> dict[str, str]:
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts import api_tokens
    from jichitai.accounts import services as account_services
    from jichitai.accounts.models import User
    from jichitai.opendata.models import Dataset

    user = User.objects.get(email="sysadmin@example.jp")
    device = TOTPDevice.objects.create(user=user, name="fault test", confirmed=True)
    client = Client()
    client.force_login(user)
    stored = client.session
    stored[DEVICE_ID_SESSION_KEY] = device.persistent_id
    stored[account_services.STAFF_SIGNED_IN_AT_KEY] = time.time()
    stored[account_services.STAFF_LAST_SEEN_KEY] = time.time()
    stored.save()
    dataset = Dataset.objects.get(name="aed")
    _row, token = api_tokens.create_token(user, name="fault test", days=30, staff_scope=True)
    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={stored.session_key}",
        "token": token,
        "dataset": dataset.name,
        "dataset_id": str(dataset.pk),
        "resource_id": str(dataset.resources.get().pk),
    }


def count() -> dict[str, int]:
    from jichitai.opendata.models import ResourceFile

    return {"files": ResourceFile.objects.count()}


def main(command: str) -> None:
    django.setup()
    print(json.dumps(session() if command == "session" else count()))


if __name__ == "__main__":
    main(sys.argv[1])
