"""Creates a staff account from the command line: how the first system administrator is made.

There is no default account (ASVS 6.3.2). The password is read from the terminal, or from
the environment variable JICHITAI_NEW_PASSWORD for automation.
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jichitai.accounts import services
from jichitai.accounts.models import StaffRole
from jichitai.accounts.roles import ORGANISATION_ROLES, Role
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event


class Command(BaseCommand):
    help = "Create a staff account; --role system_admin or auditor grants an organisation role."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--role", choices=sorted(r.value for r in ORGANISATION_ROLES))

    def handle(self, *args: object, **options: str) -> None:
        password = os.environ.get("JICHITAI_NEW_PASSWORD") or getpass.getpass("Password: ")
        try:
            with transaction.atomic():
                user = services.create_staff_member(
                    email=options["email"], display_name=options["name"], password=password
                )
                if options.get("role"):
                    StaffRole.objects.create(user=user, role=Role(options["role"]))
                    record_event(
                        "role.grant",
                        target=user,
                        subject_id=user.pk,
                        actor_label="manage.py create_staff",
                        detail={"role": options["role"], "department": None},
                    )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"staff account {user.pk} created; enrol an authenticator at first sign-in"
        )
