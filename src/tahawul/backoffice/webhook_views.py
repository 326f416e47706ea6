"""The entity admin's webhook pages: the entity's subscriptions, a new one, one subscription with
its deliveries and history (pause, resume, show or rotate the secret, delete), and one delivery
with its attempts (send it again).

Each view parses the request, calls one webhooks action or selector and renders. Anyone but the
entity's admins, staff of the entity included, gets 404, as if the pages did not exist.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity
from tahawul.core.errors import DomainError
from tahawul.identity.models import User
from tahawul.integrations import selectors as integrations
from tahawul.webhooks import actions, selectors
from tahawul.webhooks.errors import InvalidSubscription
from tahawul.webhooks.models import (
    AttemptOutcome,
    Delivery,
    DeliveryStatus,
    PauseReason,
    Subscription,
    SubscriptionEvent,
    WebhookEvent,
)

PAGE_SIZE = 50
REVEAL_ONCE = "webhooks_reveal_once"  # the session key: the subscription whose secret to show once
HISTORY_LABELS = {
    "created": gettext_lazy("Subscription made"),
    "paused": gettext_lazy("Paused"),
    "resumed": gettext_lazy("Resumed"),
    "secret_rotated": gettext_lazy("New secret made"),
    "secret_shown": gettext_lazy("Secret shown"),
    "delivery_retried": gettext_lazy("Delivery sent again"),
    "deleted": gettext_lazy("Deleted"),
}


class SubscriptionForm(forms.Form):
    """Only parses: the action checks every answer and says what is wrong."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        help_text=gettext_lazy("What receives the events, e.g. the ministry's case-management system."),
    )
    target_url = forms.CharField(
        label=gettext_lazy("Address of the receiver"),
        required=False,
        help_text=gettext_lazy("The https:// address we send each event to, with a POST request."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events to receive"), required=False, choices=WebhookEvent.choices
    )
    integrator = forms.TypedChoiceField(
        label=gettext_lazy("Who runs the receiver"),
        required=False,
        coerce=int,
        empty_value=None,
        # The action's words: a key revoked while the form was open lands here, not in the action.
        error_messages={"invalid_choice": gettext_lazy("Choose an integrator from the list.")},
    )

    def __init__(self, entity: Entity, data: Any = None) -> None:
        super().__init__(data)
        entity_itself: list[tuple[object, str]] = [("", _("The entity itself"))]
        choice = self.fields["integrator"]
        assert isinstance(choice, forms.TypedChoiceField)
        keyed = integrations.integrators(with_key_for=entity)  # only the entity's own partners
        choice.choices = entity_itself + [(item.pk, item.name) for item in keyed]

    def values(self) -> actions.SubscriptionInput:
        data = self.cleaned_data
        return actions.SubscriptionInput(
            name=data["name"], target_url=data["target_url"], events=data["events"], integrator_id=data["integrator"]
        )


# --- the entity's subscriptions ---------------------------------------------------------------


@require_safe
@login_required
def subscription_list(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    found = or_404(lambda: selectors.access_subscriptions(user, entity))
    return render(
        request,
        "backoffice/webhooks/list.html",
        {**_nav(user, entity, "webhooks"), "subscriptions": list(found)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def subscription_new(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    or_404(lambda: selectors.access_subscriptions(user, entity))
    form = SubscriptionForm(entity, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                made = or_404(lambda: actions.create_subscription(actor=user, entity=entity, values=form.values()))
            except InvalidSubscription as error:
                for name, text in error.errors.items():
                    form.add_error(name if name in form.fields else None, text.in_language())
            else:
                request.session[REVEAL_ONCE] = made.pk
                messages.success(request, _("The subscription is made. Set up your receiver with the secret below."))
                return _to(made)
    return render(
        request, "backoffice/webhooks/new.html", {**_nav(user, entity, "webhooks"), "form": form}, status=status
    )


# --- one subscription -------------------------------------------------------------------------


@require_safe
@login_required
def subscription_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_subscription(user, subscription_id))
    secret = None
    if request.session.get(REVEAL_ONCE) == found.pk:
        del request.session[REVEAL_ONCE]
        secret = actions.reveal_secret(actor=user, subscription=found)
    return _subscription_page(request, user, found, secret=secret)


SUBSCRIPTION_ACTIONS = {
    "pause": actions.pause_subscription,
    "resume": actions.resume_subscription,
    "rotate": actions.rotate_secret,
}


def _done(action: str) -> str:
    if action == "pause":
        return _("The subscription is paused. Events are kept until you resume it.")
    if action == "resume":
        return _("The subscription is active again. The events kept meanwhile are being sent.")
    return _(
        "There is a new secret, below. For %(hours)s hours deliveries are signed with the old one too: "
        "switch your receiver to the new one before then."
    ) % {"hours": settings.TAHAWUL_WEBHOOKS_SECRET_OVERLAP_HOURS}


@require_POST
@login_required
def subscription_action(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Pause, resume, rotate the secret (then shown), or show the secret."""
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_subscription(user, subscription_id))
    action = request.POST.get("do", "")
    if action == "reveal":
        return _subscription_page(request, user, found, secret=actions.reveal_secret(actor=user, subscription=found))
    if action not in SUBSCRIPTION_ACTIONS:
        return _subscription_page(request, user, found, error=_("Choose one of the buttons on this page."), status=400)
    perform = SUBSCRIPTION_ACTIONS[action]
    changed = or_404(lambda: perform(actor=user, subscription=found))
    messages.success(request, _done(action))
    if action == "rotate":
        request.session[REVEAL_ONCE] = changed.pk
    return _to(changed)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """A page that asks first; the POST deletes."""
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_subscription(user, subscription_id))
    if request.method == "POST":
        or_404(lambda: actions.delete_subscription(actor=user, subscription=found))
        messages.success(request, _("The subscription is deleted. Nothing more will be sent to it."))
        return HttpResponseRedirect(reverse("backoffice:webhooks", kwargs={"entity_code": found.entity.code}))
    return render(
        request, "backoffice/webhooks/delete.html", {**_nav(user, found.entity, "webhooks"), "subscription": found}
    )


def _subscription_page(
    request: HttpRequest,
    user: User,
    found: Subscription,
    *,
    secret: str | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    page = Paginator(selectors.deliveries_of(found), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_nav(user, found.entity, "webhooks"),
        "subscription": found,
        "event_labels": [WebhookEvent(event).label for event in found.events],
        "pause_reason": PauseReason(found.pause_reason).label if found.pause_reason else "",
        "secret": secret,
        "old_secret_until": found.previous_secret_until if len(found.signing_secrets()) > 1 else None,
        "page": page,
        "rows": [_delivery_row(delivery) for delivery in page.object_list],
        "history": [(entry, _history_label(entry)) for entry in selectors.history_of(found)],
        "error": error,
    }
    response = render(request, "backoffice/webhooks/subscription.html", context, status=status)
    if secret is not None:
        patch_cache_control(response, no_store=True)  # a secret stays out of every cache
    return response


def _history_label(entry: SubscriptionEvent) -> str:
    reason = entry.details.get("reason")
    if entry.action == "paused" and reason in PauseReason.values:
        return str(PauseReason(reason).label)  # by an administrator, or after failed deliveries
    return str(HISTORY_LABELS.get(entry.action, entry.action))


def _delivery_row(delivery: Delivery) -> dict[str, object]:
    return {
        "delivery": delivery,
        "event": WebhookEvent(delivery.event_type).label,
        "status": DeliveryStatus(delivery.status).label,
    }


def _to(found: Subscription) -> HttpResponse:
    return HttpResponseRedirect(reverse("backoffice:webhook", kwargs={"subscription_id": found.pk}))


# --- one delivery -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """What was sent and every attempt; the POST sends it again."""
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_delivery(user, delivery_id))
    error = ""
    if request.method == "POST":
        try:
            or_404(lambda: actions.retry_delivery(actor=user, delivery=found))
        except DomainError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("The delivery is queued to be sent again now."))
            return HttpResponseRedirect(reverse("backoffice:webhook_delivery", kwargs={"delivery_id": found.pk}))
    subscription = found.subscription
    context = {
        **_nav(user, subscription.entity, "webhooks"),
        "delivery": found,
        "subscription": subscription,
        "event": WebhookEvent(found.event_type).label,
        "status": DeliveryStatus(found.status).label,
        "attempts": [(attempt, AttemptOutcome(attempt.outcome).label) for attempt in selectors.attempts_of(found)],
        "payload": json.dumps(json.loads(found.body), ensure_ascii=False, indent=2),
        "can_retry": subscription.is_active and found.status != DeliveryStatus.PENDING,
        "error": error,
    }
    return render(request, "backoffice/webhooks/delivery.html", context, status=409 if error else 200)
