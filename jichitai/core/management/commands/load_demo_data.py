"""Loads every app's demo data, in INSTALLED_APPS order (lower layers first).

An app offers demo data by naming a loader in its AppConfig (`demo_data_loader`), so that
this command needs to import no app above core.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load Ota City demo data (sample data; idempotent). Refused in production."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production mode.")
        for config in apps.get_app_configs():
            loader_path = getattr(config, "demo_data_loader", None)
            if loader_path:
                import_string(loader_path)()
                self.stdout.write(f"demo data: {config.label}")
