from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "tahawul.backoffice"
    label = "backoffice"
