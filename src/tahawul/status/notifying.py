"""Who hears that an incident is over: the people who reported a technical problem it explains.

They are told by a background task, not in the resolving transaction: an incident thousands of
people reported must still be resolved within one request. The resolving transaction queues the
task (with the database task backend the task commits with it, so nobody is forgotten), and the
task tells CHUNK cases per transaction, marking each told (``notified_at``): it may run again, or
twice at once, and still tells nobody twice.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tahawul.core.text import LocalizedText
from tahawul.feedback.notifying import notify_filer
from tahawul.status.models import IncidentCase, IncidentStatus, IncidentUpdate

EVENT = "incident_resolved"
CHUNK = 200


# Here rather than in tasks.py: incidents.py queues it, and tasks.py imports what imports incidents.py.
@task()
def tell_reporters_task() -> dict[str, int]:
    return {"told": tell_reporters()}


def tell_reporters(*, chunk: int = CHUNK) -> int:
    """Tell the filer of every case linked to a resolved incident, and not told yet, that it is
    resolved: the incident's title and resolution message in the case's language, by the contact
    the filer chose (nobody, when they asked not to be contacted). ``chunk`` cases a transaction,
    the outbox rows committing with the mark that they were told. Returns how many were told."""
    told = 0
    while True:
        with transaction.atomic():
            links = list(
                IncidentCase.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(notified_at__isnull=True, incident__status=IncidentStatus.RESOLVED)
                .select_related("case__filer")
                .order_by("pk")[:chunk]
            )
            if not links:
                return told
            resolutions = _resolutions({link.incident_id for link in links})
            for link in links:
                title, message = resolutions[link.incident_id]
                language = link.case.language
                notify_filer(
                    link.case, EVENT, message=f"{title.in_language(language)}\n{message.in_language(language)}"
                )
            IncidentCase.objects.filter(pk__in=[link.pk for link in links]).update(notified_at=timezone.now())
        told += len(links)


def _resolutions(incident_ids: set[int]) -> dict[int, tuple[LocalizedText, LocalizedText]]:
    """Incident → its title and its resolution message."""
    updates = IncidentUpdate.objects.filter(
        incident_id__in=incident_ids, status=IncidentStatus.RESOLVED, public=True
    ).select_related("incident")
    return {
        update.incident_id: (
            LocalizedText(ar=update.incident.title_ar, en=update.incident.title_en),
            LocalizedText(ar=update.message_ar, en=update.message_en),
        )
        for update in updates
    }
