"""URLs for bench/submit.py: the real site plus the baseline view.

The baseline is what a bare Django view costs to insert the same rows as one real submission,
in one transaction, with no validation, no workflow, no idempotency lookup and no rendering.
"""

from __future__ import annotations

import json
import secrets
from functools import cache

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from tahawul.urls import urlpatterns as site_urlpatterns


@cache
def _fixed() -> dict[str, int]:
    from tahawul.applications.models import Application
    from tahawul.definitions.models import ServiceVersion
    from tahawul.identity.models import User

    version = ServiceVersion.objects.select_related("service").get(service__code="MOL-TRAINING-REGISTER")
    user = User.objects.get(username="bench")
    assert Application.objects.filter(applicant=user).count() >= 0
    return {"version": version.pk, "service": version.service_id, "entity": version.service.entity_id, "user": user.pk}


@csrf_exempt
def baseline(request: HttpRequest) -> JsonResponse:
    from django_tasks_db.models import DBTaskResult

    from tahawul.applications.models import Application, Event, IdempotencyRecord, ServiceMonth
    from tahawul.core.counters import add_to_counter
    from tahawul.notifications.models import Notification

    body = json.loads(request.body)
    fixed = _fixed()
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            reference=f"BX-{secrets.token_hex(6).upper()}",
            service_id=fixed["service"],
            version_id=fixed["version"],
            entity_id=fixed["entity"],
            applicant_id=fixed["user"],
            channel="mobile",
            state="submitted",
            answers=body["answers"],
            submitted_at=now,
        )
        Event.objects.bulk_create(
            [
                Event(application=application, actor_id=fixed["user"], action="start", to_state="draft"),
                Event(application=application, actor_id=fixed["user"], action="submit", to_state="submitted"),
            ]
        )
        add_to_counter(  # the KPI month counter, as every submission keeps it
            ServiceMonth,
            {"service_id": fixed["service"], "channel": "mobile", "month": timezone.localdate(now).replace(day=1)},
            {"started": 1, "submitted": 1},
            entity_id=fixed["entity"],
        )
        response = {"reference": application.reference, "state": "submitted"}
        IdempotencyRecord.objects.create(
            user_id=fixed["user"],
            key=request.headers["Idempotency-Key"],
            request_digest="0" * 64,
            status=201,
            body=response,
        )
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=fixed["user"],
                    event="application_submitted",
                    channel=channel,
                    language="ar",
                    to_address="x",
                    body="x",
                    application_id=application.pk,
                )
                for channel in ("email", "sms")
            ]
        )
        DBTaskResult.objects.create(
            args_kwargs={"args": [notification.pk for notification in notifications], "kwargs": {}},
            task_path="tahawul.notifications.tasks.deliver",
            backend_name="default",
            queue_name="default",
            priority=0,
        )
    return JsonResponse(response, status=201)


urlpatterns = [*site_urlpatterns, path("bench/baseline", baseline)]
