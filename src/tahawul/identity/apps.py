from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tahawul.identity"
    label = "identity"
