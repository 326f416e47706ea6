from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "tahawul.plans"
    label = "plans"
