from django.core.management.base import BaseCommand, CommandError

from jichitai.governance.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero naming the first broken entry."

    def handle(self, *args: object, **options: object) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry #{result.broken_sequence} of chain"
                f" {result.broken_chain}: {result.reason} "
                f"({result.checked} entries before it verified)"
            )
        self.stdout.write(f"audit log intact: {result.checked} entries verified")
