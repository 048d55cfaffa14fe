from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "jichitai.governance"
    label = "governance"
    verbose_name = "Governance"
