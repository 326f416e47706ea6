from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tahawul.demo"
    label = "demo"
