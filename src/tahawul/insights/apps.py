from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tahawul.insights"
    label = "insights"
