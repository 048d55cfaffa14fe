from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "jichitai.procedures"
    label = "procedures"
    verbose_name = "Procedures"
    demo_data_loader = "jichitai.procedures.demo.load"

    def ready(self) -> None:
        from jichitai.notifications import composers
        from jichitai.procedures.services import notifications

        # The mail that an application was received is written by the worker that sends it.
        composers.register(
            notifications.RECEIVED_EVENT,
            notifications.compose_received,
            _("申請受付のお知らせ"),
        )
