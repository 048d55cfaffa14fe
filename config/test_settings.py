"""Settings for the test suite: the real settings, with fast hashing and immediate tasks."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

# Argon2 at production cost would dominate the suite's run time; hashing strength is a
# setting, not behaviour under test (a test checks Argon2 is first in the real settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
JICHITAI_PUBLIC_URL = "http://testserver"
