"""One application: claiming, assigning, workflow actions with comments and corrections, two
officers racing, and two-level approval that needs two people."""

from __future__ import annotations

import pytest

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.backoffice.conftest import logged_in, page_url, revision_on

pytestmark = pytest.mark.django_db


def events(application: Application) -> list[tuple[str, int | None]]:
    return list(application.events.values_list("action", "actor_id"))


def test_the_page_shows_answers_in_the_readers_language(officer: User, submitted: Application) -> None:
    english = logged_in(officer).get(page_url(submitted)).content.decode()
    assert "Grade 5" in english  # the choice's label, not its value
    assert "Child&#x27;s personal number (CPR)" in english
    assert "150312345" in english
    assert "+97333123456" in english
    arabic = logged_in(officer).get(page_url(submitted, "ar")).content.decode()
    assert "الخامس" in arabic
    assert "الرقم الشخصي للطالب" in arabic
    assert '<html lang="ar" dir="rtl">' in arabic and arabic.count("<h1") == 1


def test_the_page_shows_the_history_and_time_limit(officer: User, submitted: Application) -> None:
    html = logged_in(officer).get(page_url(submitted)).content.decode()
    assert "Application submitted" in html
    assert "By Fatima Beneficiary" in html
    assert "From “Draft” to “Submitted”" in html
    assert "On track" in html and "Due " in html
    assert "No one yet" in html


def test_claim(officer: User, submitted: Application) -> None:
    client = logged_in(officer)
    page = client.get(page_url(submitted)).content.decode()
    assert "Claim it" in page
    response = client.post(page_url(submitted), {"do": "claim", "revision": revision_on(page)})
    assert response.status_code == 302
    assert response["Location"] == page_url(submitted)
    submitted.refresh_from_db()
    assert submitted.assignee == officer
    assert submitted.state == "in_review"
    after = client.get(response["Location"]).content.decode()
    assert "You have claimed this application" in after
    assert "Claim it" not in after
    assert "Officer Amal" in after
    assert "From “Submitted” to “Being considered”" in after


def test_a_required_comment_is_asked_for_and_nothing_changes_without_it(officer: User, submitted: Application) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(officer)
    page = client.get(page_url(submitted)).content.decode()
    assert 'id="action-reject-comment" name="comment" rows="3" maxlength="4000" required' in page
    before = submitted.revision
    response = client.post(
        page_url(submitted), {"do": "perform", "transition": "reject", "comment": "  ", "revision": before}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html
    assert 'href="#action-reject-comment"' in html
    assert 'aria-describedby="action-reject-comment-error' in html
    assert "Say why: this action needs a comment." in html
    submitted.refresh_from_db()
    assert (submitted.state, submitted.revision) == ("in_review", before)


def test_a_transition_with_a_comment_is_recorded_and_shown(officer: User, submitted: Application) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(officer)
    response = client.post(
        page_url(submitted),
        {
            "do": "perform",
            "transition": "reject",
            "comment": "No place in grade 5 this year.",
            "revision": submitted.revision,
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.outcome) == ("rejected", "rejected")
    html = client.get(page_url(submitted)).content.decode()
    assert "Done: Refuse - no place available." in html
    assert "No place in grade 5 this year." in html
    assert "This application is closed." in html


def test_a_correction_request_names_what_to_correct(officer: User, submitted: Application) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(officer)
    page = client.get(page_url(submitted)).content.decode()
    assert 'name="correction_fields" value="requested_school"' in page
    assert 'name="correction_fields" value="reason"' in page
    response = client.post(
        page_url(submitted),
        {
            "do": "perform",
            "transition": "request_correction",
            "comment": "Which Riffa school? There are three.",
            "correction_fields": ["requested_school"],
            "revision": submitted.revision,
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "needs_correction"
    assert submitted.correction_fields == ["requested_school"]
    html = client.get(page_url(submitted)).content.decode()
    assert "Waiting for the applicant's correction" in html
    assert "Which Riffa school? There are three." in html
    assert "There is nothing for you to do on this application now." in html


def test_two_officers_on_the_same_page_the_first_wins_and_the_second_is_told(
    officer: User, officer2: User, submitted: Application
) -> None:
    amal, badr = logged_in(officer), logged_in(officer2)
    seen_by_amal = revision_on(amal.get(page_url(submitted)).content.decode())
    seen_by_badr = revision_on(badr.get(page_url(submitted)).content.decode())
    assert seen_by_amal == seen_by_badr

    assert amal.post(page_url(submitted), {"do": "claim", "revision": seen_by_amal}).status_code == 302
    late = badr.post(page_url(submitted), {"do": "claim", "revision": seen_by_badr})
    html = late.content.decode()
    assert late.status_code == 409
    assert "Someone else changed this application while you were looking at it. Nothing you did was saved." in html
    assert "Officer Amal" in html  # the page shows how it stands now
    assert f'name="revision" value="{seen_by_amal}"' not in html

    submitted.refresh_from_db()
    assert submitted.assignee == officer
    assert submitted.state == "in_review"
    assert events(submitted)[-1] == ("claim", officer.pk)
    assert [action for action, _ in events(submitted)].count("claim") == 1


def test_a_workflow_action_from_an_old_page_is_refused_as_stale(
    officer: User, supervisor: User, submitted: Application
) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(officer)
    old = revision_on(client.get(page_url(submitted)).content.decode())
    actions.perform(application=submitted, actor=supervisor, action="recommend_approval")
    response = client.post(
        page_url(submitted), {"do": "perform", "transition": "reject", "comment": "No place.", "revision": old}
    )
    assert response.status_code == 409
    assert "Nothing you did was saved." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "director_approval"


def test_two_level_approval_officer_recommends_then_supervisor_approves(
    officer: User, supervisor: User, submitted: Application
) -> None:
    actions.claim(application=submitted, actor=officer)
    amal = logged_in(officer)
    page = amal.get(page_url(submitted)).content.decode()
    assert "Recommend the move" in page
    assert "Approve the move" not in page
    response = amal.post(
        page_url(submitted), {"do": "perform", "transition": "recommend_approval", "revision": revision_on(page)}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "director_approval"

    # The officer cannot take the supervisor's step.
    assert "Approve the move" not in amal.get(page_url(submitted)).content.decode()
    refused = amal.post(page_url(submitted), {"do": "perform", "transition": "approve", "revision": submitted.revision})
    assert refused.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "director_approval"

    salma = logged_in(supervisor)
    page = salma.get(page_url(submitted)).content.decode()
    assert "Approve the move" in page
    response = salma.post(
        page_url(submitted), {"do": "perform", "transition": "approve", "revision": revision_on(page)}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.outcome) == ("transferred", "approved")
    assert events(submitted)[-2:] == [("recommend_approval", officer.pk), ("approve", supervisor.pk)]


def test_the_same_person_cannot_recommend_and_approve(supervisor: User, submitted: Application) -> None:
    client = logged_in(supervisor)
    assert client.post(page_url(submitted), {"do": "claim", "revision": submitted.revision}).status_code == 302
    submitted.refresh_from_db()
    response = client.post(
        page_url(submitted), {"do": "perform", "transition": "recommend_approval", "revision": submitted.revision}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "director_approval"

    page = client.get(page_url(submitted)).content.decode()
    assert "Approve the move" not in page
    refused = client.post(
        page_url(submitted), {"do": "perform", "transition": "approve", "revision": submitted.revision}
    )
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "someone other than the officer who recommended it" in html
    assert "Nothing was changed." in html
    submitted.refresh_from_db()
    assert submitted.state == "director_approval"
    assert "approve" not in [action for action, _ in events(submitted)]


def test_a_supervisor_reassigns(officer: User, officer2: User, supervisor: User, submitted: Application) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(supervisor)
    page = client.get(page_url(submitted)).content.decode()
    assert '<select id="assign-assignee" name="assignee"' in page
    response = client.post(
        page_url(submitted), {"do": "assign", "assignee": officer2.pk, "revision": revision_on(page)}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.assignee == officer2
    html = client.get(page_url(submitted)).content.decode()
    assert "The application is now assigned to Officer Badr." in html
    assert "Assigned to Officer Badr" in html  # in the history


def test_an_officer_cannot_reassign(officer: User, officer2: User, submitted: Application) -> None:
    actions.claim(application=submitted, actor=officer)
    client = logged_in(officer2)
    assert 'name="assignee"' not in client.get(page_url(submitted)).content.decode()
    response = client.post(
        page_url(submitted), {"do": "assign", "assignee": officer2.pk, "revision": submitted.revision}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.assignee == officer


def test_only_the_entitys_staff_can_be_assigned(supervisor: User, outsider: User, submitted: Application) -> None:
    response = logged_in(supervisor).post(
        page_url(submitted), {"do": "assign", "assignee": outsider.pk, "revision": submitted.revision}
    )
    assert response.status_code == 422
    assert 'href="#assign-assignee"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.assignee is None


def test_an_unknown_action_changes_nothing(officer: User, submitted: Application) -> None:
    client = logged_in(officer)
    for data in ({"do": "explode"}, {"do": "perform", "transition": "approve"}):
        response = client.post(page_url(submitted), {**data, "revision": submitted.revision})
        assert 400 <= response.status_code < 500
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert submitted.assignee is None


def test_documents_are_listed_and_supervisors_see_who_opened_them(
    officer: User, supervisor: User, beneficiary: User
) -> None:
    from tests.backoffice.conftest import submit_attestation

    application = submit_attestation(beneficiary, officer)
    document = application.documents.get()
    link = f'href="/en/documents/{document.token}/"'
    page = logged_in(officer).get(page_url(application)).content.decode()
    assert link in page
    assert "Copy of the certificate" in page
    assert "Opened once by staff" not in page  # only supervisors see who opened what

    assert logged_in(officer).get(f"/en/documents/{document.token}/").status_code == 200
    supervised = logged_in(supervisor).get(page_url(application)).content.decode()
    assert "Opened once by staff" in supervised
    assert "Officer Amal –" in supervised
