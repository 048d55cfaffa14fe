from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "jichitai.opendata"
    label = "opendata"
    demo_data_loader = "jichitai.opendata.demo.load"
    verbose_name = _("オープンデータ")
    default_auto_field = "django.db.models.BigAutoField"
