"""Copies front-end assets installed by npm into static/dist/ (ignored by git)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# npm file → name under static/dist/. Only files the pages use are copied.
ASSETS = {
    "@digital-go-jp/design-tokens/dist/tokens.css": "design-tokens.css",
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    # The map preview of open data with coordinates; its marker images sit beside its CSS.
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    # leaflet.js names its source map, and the manifest static storage refuses a script whose
    # sourceMappingURL points nowhere (collectstatic fails).
    "leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
    # Not shown (no layer control), but leaflet.css refers to them and the manifest static
    # storage refuses a stylesheet whose url() points nowhere.
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
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
            (dist / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dist / target)
        self.stdout.write(f"assets: {len(ASSETS)} files in {dist}")
