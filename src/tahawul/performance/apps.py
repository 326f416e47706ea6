from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tahawul.performance"
    label = "performance"
