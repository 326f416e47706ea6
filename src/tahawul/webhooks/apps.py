from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tahawul.webhooks"
    label = "webhooks"
