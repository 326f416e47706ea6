from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tahawul.integrations"
    label = "integrations"
