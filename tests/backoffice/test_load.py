"""The supervisor's view of the officers' work and of what is overdue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.backoffice.conftest import logged_in, submit_transfer

pytestmark = pytest.mark.django_db

LOAD = "/en/office/MOE/load/"


def officer_row(html: str, name: str) -> tuple[str, str]:
    row = re.search(rf"<th scope=\"row\">{name}</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert row is not None, name
    return re.sub(r"<[^>]+>", "", row.group(1)).strip(), re.sub(r"<[^>]+>", "", row.group(2)).strip()


def test_the_load_page_counts_open_and_overdue_work_per_officer(
    officer: User, officer2: User, supervisor: User, beneficiary: User
) -> None:
    amal = [submit_transfer(beneficiary) for _ in range(3)]
    badr = submit_transfer(beneficiary)
    unassigned_late = submit_transfer(beneficiary)
    for application in amal:
        actions.claim(application=application, actor=officer)
    actions.claim(application=badr, actor=officer2)
    past = timezone.now() - timedelta(days=1)
    Application.objects.filter(pk__in=[amal[0].pk, unassigned_late.pk]).update(state_due_at=past)

    response = logged_in(supervisor).get(LOAD)
    html = response.content.decode()
    assert response.status_code == 200
    assert officer_row(html, "Officer Amal") == ("3", "1")
    assert officer_row(html, "Officer Badr") == ("1", "0")
    assert officer_row(html, "Supervisor Salma") == ("0", "0")
    assert f"?assignee={officer.pk}&amp;sla=breached" in html

    assert "2 overdue applications" in html
    assert amal[0].reference in html and unassigned_late.reference in html
    assert badr.reference not in html
    assert f'href="/en/office/applications/{unassigned_late.reference}/#assign"' in html


def test_the_supervisor_sees_the_load_link_and_officers_do_not(officer: User, supervisor: User) -> None:
    assert 'href="/en/office/MOE/load/"' in logged_in(supervisor).get("/en/office/MOE/queue/").content.decode()
    assert 'href="/en/office/MOE/load/"' not in logged_in(officer).get("/en/office/MOE/queue/").content.decode()
