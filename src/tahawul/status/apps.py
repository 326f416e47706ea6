from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "tahawul.status"
    label = "status"
