"""People who use the platform, and the roles staff hold in each entity."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import localized_attribute


class Role(models.TextChoices):
    """Staff roles, held per entity (DESIGN.md §1). Every account can act as a beneficiary."""

    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    DESIGNER = "designer", _("Service designer")
    ENTITY_ADMIN = "entity_admin", _("Entity administrator")
    ANALYST = "analyst", _("Authority analyst")


class User(AbstractUser):
    national_id = models.CharField(
        _("national ID number"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{9}$", _("A national ID number has 9 digits."))],
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=150, blank=True)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(r"^\+[0-9]{8,15}$", _("Give the mobile number with its country code, e.g. +97333123456."))
        ],
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("ar", _("Arabic")), ("en", _("English"))], default="ar"
    )

    display_name = localized_attribute("name")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A staff role in one entity; the authority analyst's role spans every entity (entity empty)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entity", "role"], name="unique_membership"),
            models.CheckConstraint(
                condition=models.Q(role="analyst", entity__isnull=True)
                | (~models.Q(role="analyst") & models.Q(entity__isnull=False)),
                name="analyst_spans_entities_others_belong_to_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.entity_id or '*'}"


class ApiToken(models.Model):
    """A bearer token for the mobile app and partners. Only a hash is kept: a leaked database
    does not leak working tokens."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True, help_text="Which device or system holds it")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"
