from django.apps import AppConfig


class KiosksConfig(AppConfig):
    name = "tahawul.kiosks"
    label = "kiosks"
