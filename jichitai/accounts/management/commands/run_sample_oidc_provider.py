"""Run the sample OpenID Connect provider (development only) for `make run`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.accounts.identity.sample_provider import SampleProvider, make_sample_server


class Command(BaseCommand):
    help = "Run the sample identity provider for development (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The sample identity provider asserts anybody's identity: not in production."
            )
        entry = settings.JICHITAI_OIDC_PROVIDERS.get("sample", {})
        issuer = f"http://{options['host']}:{options['port']}"
        provider = SampleProvider(
            issuer=issuer,
            client_id=entry.get("client_id", "jichitai-local"),
            client_secret=entry.get("client_secret", "local-development-only"),
        )
        server = make_sample_server(provider, options["host"], options["port"])
        self.stdout.write(f"sample identity provider (development only) at {issuer}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
