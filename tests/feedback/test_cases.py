"""Cases through their real actions: filing and routing, response times and escalation, replies
in the filer's language, closing and reopening, isolation between entities, and bad input.

Deadlines are worked out by hand from the clock fixture: filing on Thursday 3 December 2026
(Friday and Saturday are the weekend, 16 and 17 December National Day)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation

from tahawul.applications.errors import BadDocument
from tahawul.core.choices import Channel
from tahawul.core.text import LocalizedText
from tahawul.feedback.cases import (
    assign_case,
    close_case,
    publish_service_change,
    rate_response,
    reopen_case,
    reply_to_case,
    route_case,
    sweep_case_sla,
)
from tahawul.feedback.errors import (
    InvalidFeedback,
    NotAllowed,
    NotInThisState,
    ReopenWindowClosed,
    StaleCase,
    TooManyRequests,
)
from tahawul.feedback.models import Case, CaseAttachment, CaseEvent, CaseStatus, ResponseSla, ServiceChange
from tahawul.feedback.selectors import (
    CaseFilter,
    access_attachment,
    access_case,
    case_queue,
    may_handle,
    my_cases,
    public_timeline,
    routing_queue,
    you_said_we_did,
)
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.notifications.models import Notification
from tests.applications.conftest import PNG_BYTES
from tests.feedback.conftest import (
    EVENT_PERMIT,
    PASSPORT,
    Clock,
    People,
    end_of,
    file_case,
    make_beneficiary,
    reload,
    service,
)

pytestmark = pytest.mark.django_db

ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def passport_complaint(**values: Any) -> Case:
    return file_case(service_code=PASSPORT, **values)


def civdef_complaint(**values: Any) -> Case:
    return file_case(service_code=EVENT_PERMIT, description="The event permit inspection never happened.", **values)


def overdue_notices(user: User) -> int:
    return Notification.objects.filter(recipient=user, event="case_overdue").count()


# --- filing and routing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "last_day"),
    [
        ("complaint", date(2026, 12, 10)),  # 5 working days: Sun 6, Mon 7, Tue 8, Wed 9, Thu 10
        ("technical", date(2026, 12, 7)),  # 2: Sun 6, Mon 7 (Friday and Saturday skipped)
        ("suggestion", date(2026, 12, 21)),  # 10: 6-10, 13-15, then 16-17 are National Day: 20, 21
    ],
)
def test_a_case_naming_a_service_goes_to_its_entity_due_in_its_kinds_working_days(
    clock: Clock, kind: str, last_day: date
) -> None:
    case = file_case(kind=kind, service_code=PASSPORT)

    assert (case.status, case.entity.code, case.service.code) == (CaseStatus.OPEN, "NPRA", PASSPORT)
    assert case.routing_confirmed
    assert case.due_at == end_of(last_day)
    assert list(case.events.values_list("action", flat=True)) == ["filed"]


def test_an_entitys_own_response_time_replaces_the_default(clock: Clock) -> None:
    ResponseSla.objects.create(entity=service(PASSPORT).entity, kind="complaint", working_days=1)

    npra_case = passport_complaint()
    civdef_case = civdef_complaint()

    assert npra_case.due_at == end_of(date(2026, 12, 6))  # the next working day after Thursday: Sunday
    assert civdef_case.due_at == end_of(date(2026, 12, 10))  # CIVDEF keeps the default of 5


def test_a_case_naming_only_an_entity_goes_to_that_entity(clock: Clock) -> None:
    case = file_case(kind="suggestion", entity_code="CIVDEF", description="Open the centre on Saturdays.")

    assert (case.status, case.entity.code, case.service_id) == (CaseStatus.OPEN, "CIVDEF", None)


def test_a_case_without_a_service_waits_for_routing_with_a_suggestion(clock: Clock, people: People) -> None:
    case = file_case(
        description="I applied to renew my passport a month ago and the passport is still not ready.",
        filer=people.john,
    )

    assert (case.status, case.entity_id, case.routing_confirmed) == (CaseStatus.TO_ROUTE, None, False)
    assert case.due_at == end_of(date(2026, 12, 10))
    assert case in routing_queue(people.iga.officer, CaseFilter())
    assert case.suggested_service is not None
    assert case.suggested_service.entity.code == "NPRA"
    assert "PASSPORT" in case.suggested_service.code


def test_only_the_authoritys_staff_route_a_case(clock: Clock, people: People) -> None:
    ResponseSla.objects.create(entity=service(PASSPORT).entity, kind="complaint", working_days=3)
    case = file_case(description="Something went wrong and nobody tells me why.")

    with pytest.raises(NotAllowed):
        route_case(case=case, actor=people.npra.officer, service_code=PASSPORT, expected_revision=case.revision)
    assert reload(case).status == CaseStatus.TO_ROUTE
    with pytest.raises(NotFound):
        routing_queue(people.npra.supervisor, CaseFilter())

    clock.advance(days=1)
    route_case(case=case, actor=people.iga.officer, service_code=PASSPORT, expected_revision=case.revision)

    routed = reload(case)
    assert (routed.status, routed.entity.code, routed.service.code) == (CaseStatus.OPEN, "NPRA", PASSPORT)
    assert routed.routing_confirmed
    # The clock runs from filing (Thursday), at NPRA's own 3 working days: Sun 6, Mon 7, Tue 8.
    assert routed.due_at == end_of(date(2026, 12, 8))
    assert routed.events.filter(action="routed", actor=people.iga.officer).exists()


def test_the_authority_re_routes_a_case_to_another_entity(clock: Clock, people: People) -> None:
    case = passport_complaint(kind="technical")
    assign_case(case=case, actor=people.npra.officer, assignee=people.npra.officer)

    route_case(case=case, actor=people.iga.supervisor, entity_code="CIVDEF", expected_revision=case.revision)

    moved = reload(case)
    assert (moved.entity.code, moved.service_id, moved.assignee_id) == ("CIVDEF", None, None)
    assert moved.due_at == end_of(date(2026, 12, 7))
    with pytest.raises(NotFound):
        access_case(people.npra.officer, case.reference)
    assert access_case(people.civdef.officer, case.reference) == case


def test_routing_to_nothing_known_is_refused(clock: Clock, people: People) -> None:
    case = file_case(description="Who do I ask about this?")

    for target in ({"service_code": "NO-SUCH-SERVICE", "entity_code": "CIVDEF"}, {"entity_code": "NOPE"}, {}):
        with pytest.raises(InvalidFeedback):
            route_case(case=case, actor=people.iga.officer, **target)

    assert reload(case).status == CaseStatus.TO_ROUTE


# --- response times ----------------------------------------------------------------------------


def test_an_unanswered_case_escalates_to_the_entity_then_to_the_authority(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima, contact_preference="email")
    first_deadline = end_of(date(2026, 12, 10))

    assert sweep_case_sla(now=first_deadline - timedelta(minutes=1)) == 0
    assert sweep_case_sla(now=first_deadline + timedelta(minutes=1)) == 1

    case.refresh_from_db()
    assert case.escalation == 1
    # One more SLA from the missed deadline: 13-15, then 20 and 21 after the weekend and National Day.
    second_deadline = end_of(date(2026, 12, 21))
    assert case.due_at == second_deadline
    assert overdue_notices(people.npra.supervisor) == overdue_notices(people.npra.supervisor2) == 2  # email, SMS
    assert overdue_notices(people.npra.officer) == overdue_notices(people.iga.supervisor) == 0
    notice = Notification.objects.get(recipient=people.npra.supervisor, event="case_overdue", channel="email")
    assert case.reference in notice.body
    with translation.override(notice.language):
        assert formats.date_format(timezone.localtime(first_deadline), "DATE_FORMAT") in notice.body

    assert sweep_case_sla(now=first_deadline + timedelta(days=1)) == 0  # told once per level
    assert sweep_case_sla(now=second_deadline + timedelta(minutes=1)) == 1

    case.refresh_from_db()
    assert case.escalation == 2
    assert overdue_notices(people.iga.supervisor) == overdue_notices(people.iga.supervisor2) == 2
    assert overdue_notices(people.npra.supervisor) == 2
    assert sweep_case_sla(now=second_deadline + timedelta(days=60)) == 0
    assert list(case.events.filter(action="escalated").values_list("details__level", flat=True)) == [1, 2]
    assert case.events.filter(action="escalated").count() == 2


def test_an_unrouted_overdue_case_goes_to_the_authority(clock: Clock, people: People) -> None:
    file_case(description="Something is broken and I do not know whose it is.")

    assert sweep_case_sla(now=end_of(date(2026, 12, 10)) + timedelta(minutes=1)) == 1

    assert overdue_notices(people.iga.supervisor) == 2
    assert overdue_notices(people.npra.supervisor) == overdue_notices(people.civdef.supervisor) == 0


def test_a_replied_case_is_never_escalated(clock: Clock, people: People) -> None:
    case = passport_complaint()
    clock.advance(days=1)
    reply_to_case(case=case, actor=people.npra.officer, message="We are looking into it.")

    assert sweep_case_sla(now=end_of(date(2027, 3, 1))) == 0
    assert reload(case).escalation == 0


# --- replies and who hears of them -------------------------------------------------------------


def test_a_reply_answers_the_filer_in_arabic_when_they_wrote_in_arabic(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima, language="ar", contact_preference="email")
    clock.advance(hours=3)

    reply_to_case(case=case, actor=people.npra.officer, message="Your passport is ready.")

    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (CaseStatus.ANSWERED, people.npra.officer.pk)
    assert case.first_response_at == clock.now
    reply = Notification.objects.get(case_id=case.pk, event="case_replied")
    assert (reply.recipient_id, reply.to_address, reply.language) == (people.fatima.pk, people.fatima.email, "ar")
    assert "Your passport is ready." in reply.body
    assert case.reference in reply.body
    assert people.fatima.name_ar in reply.body  # greeted by her Arabic name
    assert "/ar/feedback/cases/" in reply.body


def test_a_reply_answers_the_filer_in_english_when_they_wrote_in_english(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.john, language="en", contact_preference="email")

    reply_to_case(case=case, actor=people.npra.officer, message="Your passport is ready.")

    reply = Notification.objects.get(case_id=case.pk, event="case_replied")
    assert (reply.recipient_id, reply.to_address, reply.language) == (people.john.pk, people.john.email, "en")
    assert "Your passport is ready." in reply.body
    assert people.john.name_en in reply.body
    assert not ARABIC_LETTER.search(reply.subject + reply.body)  # nothing in Arabic, his name included


def test_a_filer_who_chose_sms_is_told_by_sms(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.john, language="en", contact_preference="sms")

    reply_to_case(case=case, actor=people.npra.officer, message="Your passport is ready.")

    reply = Notification.objects.get(case_id=case.pk, event="case_replied")
    assert (reply.channel, reply.to_address, reply.recipient_id) == ("sms", people.john.mobile, people.john.pk)
    assert case.reference in reply.body


def test_a_filer_who_asked_not_to_be_contacted_hears_nothing(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima, contact_preference="none")

    reply_to_case(case=case, actor=people.npra.officer, message="Done.")
    close_case(case=case, actor=people.npra.officer, outcome="resolved")

    assert not Notification.objects.filter(case_id=case.pk).exists()


def test_someone_without_an_account_hears_at_the_address_they_gave(clock: Clock, people: People) -> None:
    case = passport_complaint(contact_preference="email", contact_email="visitor@example.org", contact_name="Sam")

    reply_to_case(case=case, actor=people.npra.officer, message="Thank you, fixed.")

    sent = Notification.objects.filter(case_id=case.pk).order_by("id")
    assert [(row.event, row.to_address, row.recipient_id) for row in sent] == [
        ("case_received", "visitor@example.org", None),
        ("case_replied", "visitor@example.org", None),
    ]


def test_an_empty_reply_is_refused(clock: Clock, people: People) -> None:
    case = passport_complaint()

    with pytest.raises(InvalidFeedback) as refused:
        reply_to_case(case=case, actor=people.npra.officer, message="   ")

    assert set(refused.value.errors) == {"message"}
    assert reload(case).status == CaseStatus.OPEN


def test_officers_take_free_cases_and_supervisors_reassign(clock: Clock, people: People) -> None:
    case = passport_complaint()

    assign_case(case=case, actor=people.npra.officer, assignee=people.npra.officer)
    with pytest.raises(NotAllowed):
        assign_case(case=case, actor=people.npra.officer2, assignee=people.npra.officer2)
    with pytest.raises(NotAllowed):
        assign_case(case=case, actor=people.npra.supervisor, assignee=people.civdef.officer)
    assign_case(case=case, actor=people.npra.supervisor, assignee=people.npra.officer2)

    assert reload(case).assignee_id == people.npra.officer2.pk


# --- closing, reopening and rating the answer ---------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "reason", "errors"),
    [
        ("resolved", "", set()),
        ("not_resolved", "The law does not allow it.", set()),
        ("not_resolved", "", {"reason"}),
        ("forwarded", "Sent to the Ministry of Interior.", set()),
        ("forwarded", " ", {"reason"}),
        ("abandoned", "", {"outcome"}),
    ],
)
def test_closing_needs_an_outcome_and_for_some_a_reason(
    clock: Clock, people: People, outcome: str, reason: str, errors: set[str]
) -> None:
    case = passport_complaint(filer=people.john, contact_preference="email")

    if errors:
        with pytest.raises(InvalidFeedback) as refused:
            close_case(case=case, actor=people.npra.officer, outcome=outcome, reason=reason)
        assert set(refused.value.errors) == errors
        assert reload(case).status == CaseStatus.OPEN
        return
    close_case(case=case, actor=people.npra.officer, outcome=outcome, reason=reason)

    closed = reload(case)
    assert (closed.status, closed.outcome, closed.outcome_reason) == (CaseStatus.CLOSED, outcome, reason.strip())
    assert closed.closed_at == closed.first_response_at == clock.now
    assert Notification.objects.filter(case_id=case.pk, event="case_closed", to_address=people.john.email).exists()
    with pytest.raises(NotInThisState):
        close_case(case=case, actor=people.npra.officer, outcome="resolved")


def test_a_duplicate_names_another_case_of_the_same_entity(clock: Clock, people: People) -> None:
    original = passport_complaint()
    other_entitys = civdef_complaint()
    case = passport_complaint(description="The same payment failure again.")

    for reference in ("", "CS-0000-0000-0000", other_entitys.reference, case.reference):
        with pytest.raises(InvalidFeedback) as refused:
            close_case(case=case, actor=people.npra.officer, outcome="duplicate", duplicate_of=reference)
        assert set(refused.value.errors) == {"duplicate_of"}
    close_case(case=case, actor=people.npra.officer, outcome="duplicate", duplicate_of=original.reference.lower())

    assert reload(case).duplicate_of_id == original.pk


def test_the_filer_reopens_within_the_window_and_the_clock_starts_again(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima)
    reply_to_case(case=case, actor=people.npra.officer, message="Done.")
    close_case(case=case, actor=people.npra.officer, outcome="resolved")
    clock.now = clock.now.replace(day=13, hour=9)  # Sunday 13 December, ten days later

    reopen_case(case=case, actor=people.fatima, reason="It is still not done.")

    reopened = reload(case)
    assert (reopened.status, reopened.outcome, reopened.closed_at, reopened.first_response_at) == (
        CaseStatus.OPEN,
        "",
        None,
        None,
    )
    # 5 working days from Sunday 13: 14, 15, (16 and 17 National Day), 20, 21, 22.
    assert reopened.due_at == end_of(date(2026, 12, 22))
    assert [event.action for event in public_timeline(reopened)][-1] == "reopened"


def test_after_the_window_a_case_stays_closed(clock: Clock, people: People, settings: Any) -> None:
    settings.TAHAWUL_CASE_REOPEN_DAYS = 14
    case = passport_complaint(filer=people.fatima)
    close_case(case=case, actor=people.npra.officer, outcome="resolved")
    clock.advance(days=14, minutes=1)

    with pytest.raises(ReopenWindowClosed):
        reopen_case(case=case, actor=people.fatima, reason="Still broken.")

    assert reload(case).status == CaseStatus.CLOSED


def test_only_the_filer_reopens_and_only_with_a_reason(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima)
    close_case(case=case, actor=people.npra.officer, outcome="resolved")

    with pytest.raises(NotFound):
        reopen_case(case=case, actor=people.john, reason="Not mine, but still.")
    with pytest.raises(InvalidFeedback):
        reopen_case(case=case, actor=people.fatima, reason="  ")

    assert reload(case).status == CaseStatus.CLOSED


def test_the_answer_is_rated_once_there_is_one(clock: Clock, people: People) -> None:
    case = passport_complaint(filer=people.fatima)

    with pytest.raises(NotInThisState):
        rate_response(case=case, actor=people.fatima, score=4)
    reply_to_case(case=case, actor=people.npra.officer, message="Done.")
    with pytest.raises(InvalidFeedback):
        rate_response(case=case, actor=people.fatima, score=6)
    with pytest.raises(NotFound):
        rate_response(case=case, actor=people.john, score=1)
    rate_response(case=case, actor=people.fatima, score=4)

    assert reload(case).response_score == 4


# --- two officers at once ----------------------------------------------------------------------


def test_of_two_officers_on_the_same_revision_one_wins(clock: Clock, people: People) -> None:
    case = passport_complaint()
    seen_by_first, seen_by_second = reload(case), reload(case)

    reply_to_case(
        case=seen_by_first, actor=people.npra.officer, message="On it.", expected_revision=seen_by_first.revision
    )
    with pytest.raises(StaleCase):
        close_case(
            case=seen_by_second,
            actor=people.npra.officer2,
            outcome="resolved",
            expected_revision=seen_by_second.revision,
        )

    now = reload(case)
    assert (now.status, now.assignee_id) == (CaseStatus.ANSWERED, people.npra.officer.pk)
    assert list(now.events.values_list("action", flat=True)) == ["filed", "replied"]


# --- who sees a case ---------------------------------------------------------------------------


def test_another_entitys_staff_can_neither_see_nor_handle_a_case(clock: Clock, people: People) -> None:
    case = civdef_complaint()
    npra = people.npra

    with pytest.raises(NotFound):
        access_case(npra.officer, case.reference)
    for action in (
        lambda: reply_to_case(case=case, actor=npra.officer, message="Not ours."),
        lambda: close_case(case=case, actor=npra.supervisor, outcome="resolved"),
        lambda: assign_case(case=case, actor=npra.supervisor, assignee=npra.officer),
        lambda: case_queue(npra.officer, case.entity_id or 0, CaseFilter()),
    ):
        with pytest.raises(NotFound):
            action()
    assert case not in case_queue(npra.officer, npra.entity.pk, CaseFilter())
    assert reload(case).revision == case.revision
    assert not may_handle(npra.officer, case)

    assert access_case(people.civdef.officer, case.reference) == case
    assert case in case_queue(people.civdef.officer, people.civdef.entity.pk, CaseFilter())
    assert may_handle(people.civdef.officer, case)


def test_the_analyst_reads_but_does_not_handle(clock: Clock, people: People) -> None:
    case = civdef_complaint()

    assert access_case(people.analyst, case.reference) == case
    assert not may_handle(people.analyst, case)
    with pytest.raises(NotFound):
        reply_to_case(case=case, actor=people.analyst, message="Hello.")
    assert access_case(people.iga.officer, case.reference) == case  # the authority reads every case


def test_without_an_account_a_case_is_read_with_the_contact_used(clock: Clock, people: People) -> None:
    anonymous = AnonymousUser()
    theirs = civdef_complaint(contact_preference="email", contact_email="Sam@Example.org")
    fatimas = civdef_complaint(filer=people.fatima)

    assert access_case(anonymous, theirs.reference, contact=" sam@example.org ") == theirs
    assert access_case(anonymous, theirs.reference.lower(), contact="SAM@EXAMPLE.ORG") == theirs
    assert access_case(anonymous, fatimas.reference, contact=people.fatima.mobile) == fatimas
    for who, reference, contact in [
        (anonymous, theirs.reference, ""),
        (anonymous, theirs.reference, "someone@example.org"),
        (anonymous, fatimas.reference, "sam@example.org"),
        (people.john, fatimas.reference, people.fatima.email),  # signed in as someone else
        (anonymous, "CS-0000-0000-0000", "sam@example.org"),
    ]:
        with pytest.raises(NotFound):
            access_case(who, reference, contact=contact)
    assert access_case(people.fatima, fatimas.reference) == fatimas


# --- you said, we did ---------------------------------------------------------------------------


def test_a_change_made_because_of_cases_is_published(clock: Clock, people: People) -> None:
    cases = [passport_complaint(), passport_complaint(description="Payment failed twice.")]
    you_said = LocalizedText(ar="الدفع يفشل", en="Payment fails")
    we_did = LocalizedText(ar="أصلحنا الدفع", en="We fixed payment")

    change = publish_service_change(
        actor=people.npra.supervisor,
        service_code=PASSPORT,
        you_said=you_said,
        we_did=we_did,
        case_references=[case.reference for case in cases],
    )

    assert set(change.cases.values_list("pk", flat=True)) == {case.pk for case in cases}
    assert change in you_said_we_did(entity_code="NPRA")
    assert change not in you_said_we_did(entity_code="CIVDEF")
    for case in cases:
        assert [event.action for event in public_timeline(case)][-1] == "service_changed"


def test_a_change_cannot_claim_another_entitys_case_or_be_published_by_an_officer(clock: Clock, people: People) -> None:
    ours, theirs = passport_complaint(), civdef_complaint()
    text = LocalizedText(ar="نص", en="Text")

    with pytest.raises(InvalidFeedback) as refused:
        publish_service_change(
            actor=people.npra.supervisor,
            service_code=PASSPORT,
            you_said=text,
            we_did=text,
            case_references=[ours.reference, theirs.reference],
        )
    assert set(refused.value.errors) == {"cases"}
    with pytest.raises(InvalidFeedback) as refused:
        publish_service_change(
            actor=people.npra.supervisor,
            service_code=PASSPORT,
            you_said=LocalizedText(ar="نص"),
            we_did=text,
            case_references=[ours.reference],
        )
    assert set(refused.value.errors) == {"you_said"}
    with pytest.raises(NotFound):
        publish_service_change(
            actor=people.npra.officer,
            service_code=PASSPORT,
            you_said=text,
            we_did=text,
            case_references=[ours.reference],
        )
    assert not ServiceChange.objects.exists()


# --- bad input ---------------------------------------------------------------------------------


def png(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def stored_files(settings: Any) -> list[str]:
    root = settings.TAHAWUL_DOCUMENT_ROOT
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_screenshots_are_kept_and_read_back_with_the_case(clock: Clock, people: People, settings: Any) -> None:
    case = passport_complaint(attachments=[png(), png("second.png"), png("third.png")], filer=people.fatima)

    attachments = list(CaseAttachment.objects.filter(case=case).order_by("id"))
    assert [(item.original_name, item.content_type) for item in attachments] == [
        ("screenshot.png", "image/png"),
        ("second.png", "image/png"),
        ("third.png", "image/png"),
    ]
    assert len(stored_files(settings)) == 3
    assert access_attachment(people.fatima, attachments[0].token) == attachments[0]
    with pytest.raises(NotFound):
        access_attachment(people.john, attachments[0].token)


def test_a_file_is_typed_by_its_content_not_its_name(clock: Clock, settings: Any) -> None:
    fake = SimpleUploadedFile("screenshot.png", b"just some text, not a picture\n" * 10, content_type="image/png")
    cases = Case.objects.count()

    with pytest.raises(BadDocument):
        passport_complaint(attachments=[png(), fake])

    assert Case.objects.count() == cases
    assert not CaseAttachment.objects.exists()
    assert stored_files(settings) == []  # the good file stored before the bad one was removed


def test_at_most_three_attachments(clock: Clock, settings: Any) -> None:
    with pytest.raises(InvalidFeedback) as refused:
        passport_complaint(attachments=[png(f"{number}.png") for number in range(4)])

    assert set(refused.value.errors) == {"attachments"}
    assert stored_files(settings) == []


@pytest.mark.parametrize("description", ["", "   \n ", "x" * 100_000])
def test_an_empty_or_huge_description_is_refused_and_nothing_is_saved(clock: Clock, description: str) -> None:
    cases, events = Case.objects.count(), CaseEvent.objects.count()

    with pytest.raises(InvalidFeedback) as refused:
        file_case(description=description, service_code=PASSPORT)

    assert set(refused.value.errors) == {"description"}
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"kind": "rant"}, {"kind"}),
        ({"service_code": "NO-SUCH"}, {"service"}),
        ({"entity_code": "NOPE"}, {"entity"}),
        ({"channel_concerned": "pigeon"}, {"channel_concerned"}),
        ({"contact_preference": "email"}, {"contact_email"}),  # no account, no address
        ({"contact_preference": "sms", "contact_mobile": "33123456"}, {"contact_mobile"}),
        ({"contact_preference": "email", "contact_email": "not-an-address"}, {"contact_email"}),
        ({"contact_preference": "carrier pigeon"}, {"contact_preference"}),
        ({"kind": "technical", "error_reference": "E" * 41}, {"error_reference"}),
    ],
)
def test_bad_fields_are_refused_one_by_one(clock: Clock, values: dict[str, Any], fields: set[str]) -> None:
    cases = Case.objects.count()

    with pytest.raises(InvalidFeedback) as refused:
        file_case(**values)

    assert set(refused.value.errors) == fields
    assert Case.objects.count() == cases


def test_html_in_a_description_is_kept_as_text(clock: Clock) -> None:
    text = "<img src=x onerror=alert(1)> the <b>form</b> broke"

    case = passport_complaint(description=text)

    assert reload(case).description == text


def test_a_technical_problem_keeps_what_the_person_was_doing(clock: Clock, people: People) -> None:
    case = file_case(
        kind="technical",
        service_code=PASSPORT,
        filer=people.npra.officer,  # staff report problems with back-office tools the same way
        doing="Approving an application",
        page="/office/applications/TH-AAAA-BBBB-CCCC/",
        client_version="Chromium 131",
        error_reference="ERR-7F3A",
    )

    kept = reload(case)
    assert (kept.doing, kept.page, kept.client_version, kept.error_reference) == (
        "Approving an application",
        "/office/applications/TH-AAAA-BBBB-CCCC/",
        "Chromium 131",
        "ERR-7F3A",
    )


def test_anonymous_floods_are_refused_but_staff_filing_for_callers_are_not(
    clock: Clock, people: People, settings: Any
) -> None:
    settings.TAHAWUL_CASES_PER_HOUR = 2
    for _ in range(2):
        file_case(client="ip:203.0.113.20")
    cases = Case.objects.count()

    with pytest.raises(TooManyRequests):
        file_case(client="ip:203.0.113.20")
    assert Case.objects.count() == cases

    for _ in range(3):  # a call-centre officer files for one caller after another
        file_case(client=f"user:{people.npra.officer.pk}", filed_by=people.npra.officer, filed_on=Channel.CALL_CENTRE)
    clock.advance(hours=1, minutes=1)
    file_case(client="ip:203.0.113.20")  # an hour later the sender may file again


def test_a_beneficiary_sees_only_their_own_cases(clock: Clock, people: People) -> None:
    mine = passport_complaint(filer=people.fatima)
    passport_complaint(filer=people.john)

    assert list(my_cases(people.fatima)) == [mine]
    assert list(my_cases(make_beneficiary())) == []
