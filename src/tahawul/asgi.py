"""ASGI entry point; WSGI under gunicorn is the measured-faster default (DESIGN.md §8)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tahawul.settings")
application = get_asgi_application()
