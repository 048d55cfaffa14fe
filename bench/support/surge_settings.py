"""The platform's own settings plus one URL: the surge benchmark's reference view."""

from config.settings import *  # noqa: F403  (the very same server settings)

ROOT_URLCONF = "bench.support.surge_urls"
