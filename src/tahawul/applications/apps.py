from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "tahawul.applications"
    label = "applications"
