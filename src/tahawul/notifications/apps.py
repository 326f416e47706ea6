from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tahawul.notifications"
    label = "notifications"
