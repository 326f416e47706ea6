"""People who use the platform. Roles and entity membership arrive with the applications work."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("ar", _("Arabic")), ("en", _("English"))], default="ar"
    )
