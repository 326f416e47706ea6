"""Who hears that an incident is over: the people who reported a technical problem it explains."""

from __future__ import annotations

from django.utils import timezone

from tahawul.core.text import LocalizedText
from tahawul.feedback.notifying import notify_filer
from tahawul.status.models import Incident, IncidentCase

EVENT = "incident_resolved"


def tell_reporters(incident: Incident, *, message: LocalizedText) -> int:
    """Tell the filer of every case linked to ``incident`` and not yet told that it is resolved:
    the incident's title and ``message`` in the case's language, by the contact the filer chose
    (nobody, when they asked not to be contacted). Call inside the resolving transaction: the
    outbox rows commit with it. Returns how many cases were told."""
    title = LocalizedText(ar=incident.title_ar, en=incident.title_en)
    links = list(
        IncidentCase.objects.filter(incident=incident, notified_at__isnull=True)
        .select_related("case__filer")
        .order_by("pk")
    )
    for link in links:
        language = link.case.language
        notify_filer(link.case, EVENT, message=f"{title.in_language(language)}\n{message.in_language(language)}")
    IncidentCase.objects.filter(pk__in=[link.pk for link in links]).update(notified_at=timezone.now())
    return len(links)
