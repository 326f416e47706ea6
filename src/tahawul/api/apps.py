from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tahawul.api"
    label = "api"
