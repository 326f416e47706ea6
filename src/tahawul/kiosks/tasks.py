"""Background work of the kiosks app, run by ``tahawul worker``."""

from __future__ import annotations

import logging

from django_tasks import task

from tahawul.kiosks.sign_in import purge_sign_in_challenges

log = logging.getLogger(__name__)


@task()
def purge_sign_in_challenges_task() -> dict[str, int]:
    deleted = purge_sign_in_challenges()
    if deleted:
        log.info("Kiosk sign-in codes: %d old challenges deleted", deleted)
    return {"deleted": deleted}
