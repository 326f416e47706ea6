from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tahawul.feedback"
    label = "feedback"
