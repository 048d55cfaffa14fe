from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jichitai.core"
    label = "core"
    verbose_name = "Core"
    demo_data_loader = "jichitai.core.demo.load"
