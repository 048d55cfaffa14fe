"""Copies front-end assets installed by npm into static/dist/ (ignored by git)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# npm file → name under static/dist/. Only files the pages use are copied.
ASSETS = {
    "@digital-go-jp/design-tokens/dist/tokens.css": "design-tokens.css",
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
}


class Command(BaseCommand):
    help = "Copy npm-installed front-end assets into static/dist/."

    def handle(self, *args: object, **options: object) -> None:
        node_modules = Path(settings.BASE_DIR) / "node_modules"
        dist = Path(settings.BASE_DIR) / "static" / "dist"
        dist.mkdir(parents=True, exist_ok=True)
        for source, target in ASSETS.items():
            path = node_modules / source
            if not path.is_file():
                raise CommandError(f"{path} is missing: run `npm ci` first.")
            shutil.copyfile(path, dist / target)
        self.stdout.write(f"assets: {len(ASSETS)} files in {dist}")
