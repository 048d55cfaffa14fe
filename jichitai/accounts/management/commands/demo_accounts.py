from django.core.management.base import BaseCommand

from jichitai.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts that load_demo_data creates (sample data)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write("\nDemo accounts (sample data) — password for all: " + DEMO_PASSWORD)
        for email, name, kind, _roles in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {kind:<9} {name}")
        self.stdout.write("Staff enrol an authenticator app (TOTP) at their first sign-in.\n")
