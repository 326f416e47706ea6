from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tahawul.portal"
    label = "portal"
