"""Settings that must hold whatever the environment says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def _check_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("secret", ["", "short", "django-insecure-" + "x" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(secret: str) -> None:
    result = _check_with(
        {"JICHITAI_ENV": "production", "SECRET_KEY": secret, "ALLOWED_HOSTS": "a.example.jp"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key() -> None:
    result = _check_with(
        {
            "JICHITAI_ENV": "production",
            "SECRET_KEY": "k" * 20 + "a1b2c3d4e5" * 4,
            "ALLOWED_HOSTS": "a.example.jp",
        }
    )
    assert result.returncode == 0, result.stderr


def test_argon2_is_the_first_password_hasher() -> None:
    from config import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sqlite_runs_wal_with_full_sync_and_immediate_transactions() -> None:
    from config import settings as real_settings

    options = real_settings.DATABASES["default"].get("OPTIONS", {})
    if real_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
        assert "synchronous=FULL" in options["init_command"]
        assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_sqlite_connection_uses_the_pragmas() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


def test_debug_is_off() -> None:
    assert settings.DEBUG is False
