from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jichitai.notifications"
    label = "notifications"
    verbose_name = "Notifications"
