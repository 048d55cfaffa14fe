from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jichitai.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    demo_data_loader = "jichitai.accounts.demo.load"
