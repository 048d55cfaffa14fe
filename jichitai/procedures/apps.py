from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "jichitai.procedures"
    label = "procedures"
    verbose_name = "Procedures"
    demo_data_loader = "jichitai.procedures.demo.load"
