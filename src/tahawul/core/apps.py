from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tahawul.core"
    label = "core"
