"""The entity's queue: filters, SLA badges, and a query count that does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.backoffice.conftest import logged_in, make_person, submit_attestation, submit_transfer

pytestmark = pytest.mark.django_db

QUEUE = "/en/office/MOE/queue/"


def shown(html: str, *applications: Application) -> list[bool]:
    return [application.reference in html for application in applications]


def test_the_queue_lists_open_applications_with_their_details(officer: User, submitted: Application) -> None:
    response = logged_in(officer).get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/en/office/applications/{submitted.reference}/"' in html
    assert "Move your child to another government school" in html
    assert "Fatima Beneficiary" in html
    assert "Web portal" in html
    assert ">Submitted<" in html  # the state's label from the definition
    assert "On track" in html  # the SLA in words, not colour alone
    assert "1 application" in html


def test_the_queue_speaks_arabic_by_default(officer: User, submitted: Application) -> None:
    html = logged_in(officer).get("/ar/office/MOE/queue/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "نقل طالب بين المدارس الحكومية" in html
    assert "مُقدَّم" in html
    assert html.count("<h1") == 1


def test_filter_by_service(officer: User, beneficiary: User) -> None:
    transfer = submit_transfer(beneficiary)
    attestation = submit_attestation(beneficiary, officer)
    client = logged_in(officer)
    assert shown(client.get(QUEUE).content.decode(), transfer, attestation) == [True, True]
    html = client.get(QUEUE, {"service": "MOE-CERTIFICATE-ATTESTATION"}).content.decode()
    assert shown(html, transfer, attestation) == [False, True]
    assert "Service counter" in html  # made at the counter


def test_filter_by_state(officer: User, beneficiary: User) -> None:
    waiting, claimed = submit_transfer(beneficiary), submit_transfer(beneficiary)
    actions.claim(application=claimed, actor=officer)
    client = logged_in(officer)
    assert shown(client.get(QUEUE, {"state": "in_review"}).content.decode(), waiting, claimed) == [False, True]
    assert shown(client.get(QUEUE, {"state": "submitted"}).content.decode(), waiting, claimed) == [True, False]


def test_filter_by_sla_breached(officer: User, beneficiary: User) -> None:
    late, fine = submit_transfer(beneficiary), submit_transfer(beneficiary)
    Application.objects.filter(pk=late.pk).update(state_due_at=timezone.now() - timedelta(hours=2))
    client = logged_in(officer)
    html = client.get(QUEUE, {"sla": "breached"}).content.decode()
    assert shown(html, late, fine) == [True, False]
    assert "Overdue" in html
    assert shown(client.get(QUEUE, {"sla": "on_track"}).content.decode(), late, fine) == [False, True]


def test_filter_by_assignee_me_nobody_and_a_named_officer(officer: User, officer2: User, beneficiary: User) -> None:
    mine, theirs, nobodys = (submit_transfer(beneficiary) for _ in range(3))
    actions.claim(application=mine, actor=officer)
    actions.claim(application=theirs, actor=officer2)
    client = logged_in(officer)
    assert shown(client.get(QUEUE, {"assignee": "me"}).content.decode(), mine, theirs, nobodys) == [True, False, False]
    assert shown(client.get(QUEUE, {"assignee": "none"}).content.decode(), mine, theirs, nobodys) == [
        False,
        False,
        True,
    ]
    by_badr = client.get(QUEUE, {"assignee": str(officer2.pk)}).content.decode()
    assert shown(by_badr, mine, theirs, nobodys) == [False, True, False]


def test_closed_applications_appear_only_when_asked_for(officer: User, beneficiary: User) -> None:
    refused = submit_transfer(beneficiary)
    actions.claim(application=refused, actor=officer)
    actions.perform(application=refused, actor=officer, action="reject", comment="No place in grade 5.")
    client = logged_in(officer)
    assert refused.reference not in client.get(QUEUE).content.decode()
    assert refused.reference in client.get(QUEUE, {"closed": "on"}).content.decode()


def test_a_bad_filter_is_an_error_on_the_page_not_a_crash(officer: User, submitted: Application) -> None:
    response = logged_in(officer).get(QUEUE, {"service": "NOT-A-SERVICE", "assignee": "someone"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert 'href="#id_service"' in html and 'href="#id_assignee"' in html
    assert 'aria-describedby="id_service-error"' in html
    assert submitted.reference not in html


def test_the_queue_is_paginated_and_keeps_the_filters(
    officer: User, beneficiary: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tahawul.backoffice import views

    assert views.PAGE_SIZE == 50
    applications = [submit_transfer(beneficiary) for _ in range(3)]
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = logged_in(officer)
    first = client.get(QUEUE, {"assignee": "none"}).content.decode()
    second = client.get(QUEUE, {"assignee": "none", "page": "2"}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert 'href="?assignee=none&amp;page=2"' in first  # the filters are kept
    assert sum(shown(first, *applications)) == 2 and sum(shown(second, *applications)) == 1


def test_the_number_of_queries_does_not_grow_with_the_rows(officer: User, officer2: User) -> None:
    applicants = [make_person(f"Applicant {n}") for n in range(3)]

    def add(count: int) -> None:
        for n in range(count):
            application = submit_transfer(applicants[n % 3])
            if n % 2:
                actions.claim(application=application, actor=officer2 if n % 4 == 1 else officer)

    def queries() -> int:
        client = logged_in(officer)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(captured)

    add(3)
    with_three = queries()
    add(27)
    with_thirty = queries()
    assert Application.objects.filter(entity__code="MOE").exclude(state="draft").count() == 30
    assert with_thirty == with_three
