"""Compiles locale/*/LC_MESSAGES/django.po into .mo files with polib.

Django's compilemessages needs GNU gettext's msgfmt, a system package; polib keeps
setup to what pip installs.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"translations: {count} catalogues compiled")
