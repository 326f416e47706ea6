"""The beneficiary's voice on the portal: rating a service, a transaction and a counter visit
(the kiosk's rating is in test_kiosk.py); filing, following, reopening and rating a case; the
public "you said, we did" page. Every state is reached through the real actions and pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import QuerySet, Sum
from django.test import Client, RequestFactory
from django.utils import translation

from tahawul import error_pages
from tahawul.catalog.models import Service
from tahawul.core.text import LocalizedText
from tahawul.feedback import cases, ratings
from tahawul.feedback.models import Case, CaseAttachment, Rating, RatingChange, SatisfactionDay
from tahawul.identity.models import Membership, Role, User
from tests.portal import test_journey
from tests.portal.test_journey import (
    EVENT,
    PNG,
    make_user,
    page,
    start,
    submitted_event_permit,
    summary_links,
    upload,
)

pytestmark = pytest.mark.django_db

# The journey's fixtures, shared by name: a signed-in applicant, documents in a temporary folder.
applicant = test_journey.applicant
signed_in = test_journey.signed_in
store = test_journey.store

DESCRIPTION = "The opening hours on the website are wrong: the office was closed at 10 in the morning."


# --- helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """What the test itself made: the rows above the highest key there was when it began, so that
    feedback already in the database (the demo's, say) never counts."""

    rating_floor: int
    case_floor: int
    attachment_floor: int

    def ratings(self) -> QuerySet[Rating]:
        return Rating.objects.filter(pk__gt=self.rating_floor)

    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(pk__gt=self.case_floor)

    def attachments(self) -> QuerySet[CaseAttachment]:
        return CaseAttachment.objects.filter(pk__gt=self.attachment_floor)


def _highest(model: Any) -> int:
    return int(model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


@pytest.fixture
def made() -> Made:
    return Made(_highest(Rating), _highest(Case), _highest(CaseAttachment))


def counted(code: str, channel: str) -> dict[str, int]:
    """What the satisfaction aggregates hold for one cell, all days together."""
    totals = SatisfactionDay.objects.filter(service__code=code, channel=channel).aggregate(
        satisfied=Sum("satisfied"), neutral=Sum("neutral"), dissatisfied=Sum("dissatisfied"), ease_n=Sum("ease_n")
    )
    return {name: value or 0 for name, value in totals.items()}


def staff(application_or_case: Any, role: str, username: str) -> User:
    user = make_user(username, name_en=username)
    Membership.objects.create(user=user, entity=application_or_case.entity, role=role)
    return user


def file_case(client: Client, language: str = "en", **changes: Any) -> Any:
    form: dict[str, Any] = {
        "kind": "complaint",
        "service": EVENT,
        "channel_concerned": "web",
        "description": DESCRIPTION,
        "contact_preference": "email",
        "contact_name": "Layla",
        "contact_email": "layla@example.com",
        "contact_mobile": "",
    }
    form.update(changes)
    return client.post(f"/{language}/feedback/new/", {key: value for key, value in form.items() if value is not None})


def filed(client: Client, language: str = "en", **changes: Any) -> Case:
    before = set(Case.objects.values_list("pk", flat=True))
    response = file_case(client, language, **changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.exclude(pk__in=before).get()


def answered(case: Case, message: str = "We have corrected the opening hours. Thank you.") -> User:
    officer = staff(case, Role.OFFICER, f"officer-{case.pk}")
    cases.reply_to_case(case=case, actor=officer, message=message)
    return officer


# --- rating a service and a transaction -------------------------------------------------------


@pytest.mark.parametrize(("language", "legend"), [("en", "How did it go?"), ("ar", 'dir="rtl"')])
def test_anyone_rates_a_service_visit_and_it_is_counted_once(
    made: Made, client: Client, language: str, legend: str
) -> None:
    before = counted(EVENT, "web")
    form = page(client, f"/{language}/rate/{EVENT}/")
    assert legend in form
    assert {"rate-face-happy", "rate-face-neutral", "rate-face-unhappy", "rate-score-5", "rate-ease-7"} <= set(
        re.findall(r'\sid="([^"]+)"', form)
    )
    assert 'name="wants_contact"' not in form  # only someone signed in can be contacted about a rating

    response = client.post(f"/{language}/rate/{EVENT}/", {"face": "happy", "score": "5", "ease": "6"})
    assert response.status_code == 302 and response.url == f"/{language}/rate/thanks/"
    thanks = page(client, response.url)
    assert f'href="/{language}/services/{EVENT}/"' in thanks

    rating = made.ratings().get(service__code=EVENT)
    assert (rating.channel, rating.endpoint, rating.rater, rating.language) == ("web", "visit", None, language)
    after = counted(EVENT, "web")
    assert after["satisfied"] == before["satisfied"] + 1 and after["ease_n"] == before["ease_n"] + 1
    assert (after["neutral"], after["dissatisfied"]) == (before["neutral"], before["dissatisfied"])


def test_the_service_page_links_to_rating_and_to_a_suggestion(client: Client) -> None:
    html = page(client, f"/en/services/{EVENT}/")
    assert f'href="/en/rate/{EVENT}/"' in html
    assert f'href="/en/feedback/new/?service={EVENT}"' in html


def test_a_rating_with_nothing_chosen_or_out_of_range_is_refused_and_changes_nothing(
    made: Made, client: Client
) -> None:
    before = counted(EVENT, "web")
    response = client.post(f"/en/rate/{EVENT}/", {"comment": "no face"})
    html = response.content.decode()
    assert response.status_code == 422
    assert summary_links(html) == ["#rate-face-happy"]
    assert 'aria-describedby="rate-face-error"' in html and "no face</textarea>" in html  # what was typed stays
    response = client.post(f"/en/rate/{EVENT}/", {"face": "ecstatic", "score": "9", "ease": "0"})
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["#rate-face-happy", "#rate-score-1", "#rate-ease-1"]
    assert not made.ratings().filter(service__code=EVENT).exists()
    assert counted(EVENT, "web") == before


def test_the_applicant_rates_the_transaction_and_a_second_rating_replaces_the_first(
    made: Made, signed_in: Client, applicant: User
) -> None:
    application = submitted_event_permit(applicant)
    done = page(signed_in, f"/en/applications/{application.reference}/done/")
    assert f'name="application" value="{application.reference}"' in done
    assert 'name="endpoint" value="submitted"' in done and 'name="wants_contact"' in done
    before = counted(EVENT, "web")

    rating_url = f"/en/rate/{EVENT}/"
    sent = {"application": application.reference, "endpoint": "submitted"}
    assert signed_in.post(rating_url, {**sent, "face": "unhappy"}).status_code == 302
    assert "your new rating replaces it" not in page(signed_in, "/en/rate/thanks/")
    assert "You rated this before; your new rating replaces it." in page(
        signed_in, f"/en/applications/{application.reference}/done/"
    )

    assert signed_in.post(rating_url, {**sent, "face": "happy", "score": "4"}).status_code == 302
    assert "You rated this before; your new rating replaces it." in page(signed_in, "/en/rate/thanks/")

    rating = made.ratings().get(application=application)
    assert (rating.face, rating.score, rating.rater, rating.endpoint) == ("happy", 4, applicant, "submitted")
    change = RatingChange.objects.get(rating=rating)
    assert change.before["face"] == "unhappy"
    after = counted(EVENT, "web")
    assert after["satisfied"] == before["satisfied"] + 1  # counted once, as it stands now
    assert after["dissatisfied"] == before["dissatisfied"]


def test_someone_elses_transaction_cannot_be_rated(made: Made, client: Client, applicant: User) -> None:
    application = submitted_event_permit(applicant)
    client.force_login(make_user("intruder"))
    response = client.post(f"/en/rate/{EVENT}/", {"application": application.reference, "face": "unhappy"})
    assert response.status_code == 404
    anonymous = Client()
    response = anonymous.post(f"/en/rate/{EVENT}/", {"application": application.reference, "face": "unhappy"})
    assert response.status_code == 404
    assert not made.ratings().filter(application=application).exists()


def test_an_application_refused_as_not_eligible_is_rated_at_that_end_point(
    made: Made, signed_in: Client, applicant: User
) -> None:
    draft = start(signed_in, "en", EVENT)  # never submitted: the person was told they may not apply
    response = signed_in.post(
        f"/en/rate/{EVENT}/", {"application": draft.reference, "endpoint": "ineligible", "face": "unhappy"}
    )
    assert response.status_code == 302
    rating = made.ratings().get(application=draft)
    assert (rating.endpoint, rating.mood) == ("ineligible", "dissatisfied")


def test_a_final_application_asks_for_a_rating_at_its_end_point(signed_in: Client, applicant: User) -> None:
    application = submitted_event_permit(applicant)
    assert 'name="endpoint"' not in page(signed_in, f"/en/my/applications/{application.reference}/")
    signed_in.post(
        f"/en/my/applications/{application.reference}/actions/withdraw/", {"revision": str(application.revision)}
    )
    html = page(signed_in, f"/en/my/applications/{application.reference}/")
    assert 'name="endpoint" value="withdrawn"' in html
    assert f'name="application" value="{application.reference}"' in html


def test_an_unhappy_rating_with_a_comment_opens_a_follow_up_the_rater_can_open(made: Made, client: Client) -> None:
    rater = make_user("rater", email="rater@example.com")
    client.force_login(rater)
    response = client.post(
        f"/en/rate/{EVENT}/",
        {"face": "unhappy", "comment": "Nobody answered the phone for two days.", "wants_contact": "on"},
    )
    assert response.status_code == 302
    rating = made.ratings().get(service__code=EVENT, rater=rater)
    case = made.cases().get(rating=rating)
    assert (case.kind, case.filer, case.contact_preference) == ("complaint", rater, "email")
    thanks = page(client, "/en/rate/thanks/")
    assert case.reference in thanks and f'href="/en/feedback/cases/{case.reference}/"' in thanks
    assert "Nobody answered the phone for two days." in page(client, f"/en/feedback/cases/{case.reference}/")


def test_too_many_ratings_from_one_sender_are_refused_with_a_clear_page(
    made: Made, client: Client, settings: Any
) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 1
    assert client.post(f"/en/rate/{EVENT}/", {"face": "happy"}).status_code == 302
    response = client.post(f"/en/rate/{EVENT}/", {"face": "happy"})
    assert response.status_code == 429
    assert "We have received a lot from you in the last hour" in response.content.decode()
    assert made.ratings().filter(service__code=EVENT).count() == 1


# --- the counter's receipt ---------------------------------------------------------------------


def test_the_receipt_qr_code_rates_that_transaction_without_signing_in(
    made: Made, client: Client, applicant: User
) -> None:
    application = submitted_event_permit(applicant)
    token = ratings.receipt_token(application)
    before = counted(EVENT, "counter")

    html = page(client, f"/ar/rate/receipt/{token}/")
    assert 'dir="rtl"' in html and application.service.name_ar in html
    assert 'name="wants_contact"' not in html
    response = client.post(f"/ar/rate/receipt/{token}/", {"face": "neutral", "comment": "الانتظار كان طويلاً"})
    assert response.status_code == 302 and response.url == "/ar/rate/thanks/"

    rating = made.ratings().get(application=application)
    assert (rating.channel, rating.endpoint, rating.face, rating.language) == ("counter", "completed", "neutral", "ar")
    assert rating.comment == "الانتظار كان طويلاً"
    assert counted(EVENT, "counter")["neutral"] == before["neutral"] + 1


@pytest.mark.parametrize("forge", ["not-a-token", "replace-last-character"])
def test_a_forged_or_altered_receipt_token_is_a_clear_not_found(
    made: Made, client: Client, applicant: User, forge: str
) -> None:
    token = ratings.receipt_token(submitted_event_permit(applicant))
    bad = "not-a-token" if forge == "not-a-token" else token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/en/rate/receipt/{bad}/")
    assert response.status_code == 404
    assert "This rating link does not work" in response.content.decode()
    assert client.post(f"/en/rate/receipt/{bad}/", {"face": "happy"}).status_code == 404
    assert not made.ratings().exists()


# --- filing a case ----------------------------------------------------------------------------


def test_anyone_files_a_case_and_can_follow_it_in_the_same_session(made: Made, client: Client) -> None:
    form = page(client, f"/en/feedback/new/?service={EVENT}")
    assert f'<option value="{EVENT}" selected>' in form and "<optgroup" in form
    assert 'enctype="multipart/form-data"' in form

    response = file_case(client, attachments=[upload("screen.png", PNG, "image/png")])
    assert response.status_code == 302 and response.url == "/en/feedback/filed/"
    case = made.cases().get()
    assert (case.kind, case.service.code, case.filer, case.filed_on) == ("complaint", EVENT, None, "web")
    assert case.status == "open" and case.entity == case.service.entity
    assert made.attachments().get(case=case).original_name == "screen.png"

    confirmation = page(client, response.url)
    assert case.reference in confirmation
    assert DESCRIPTION in page(client, f"/en/feedback/cases/{case.reference}/")


def test_a_signed_in_person_files_with_their_account_details_and_sees_it_under_my_cases(client: Client) -> None:
    person = make_user("salma", email="salma@example.com", mobile="+97333111222", name_en="Salma Ali")
    client.force_login(person)
    form = page(client, "/en/feedback/new/")
    assert 'value="salma@example.com"' in form and 'value="+97333111222"' in form and 'value="Salma Ali"' in form

    case = filed(client, kind="suggestion", contact_email="salma@example.com", contact_name="Salma Ali")
    assert case.filer == person and case.kind == "suggestion"
    listing = page(client, "/en/my/cases/")
    assert case.reference in listing and f'href="/en/feedback/cases/{case.reference}/"' in listing
    assert 'href="/en/my/cases/"' in page(client, "/en/my/applications/")


@pytest.mark.parametrize("description", ["", "   ", "x" * 100_000])
def test_an_empty_or_huge_description_is_refused_and_nothing_is_saved(
    made: Made, client: Client, description: str
) -> None:
    response = file_case(client, description=description, attachments=[upload("screen.png", PNG, "image/png")])
    html = response.content.decode()
    assert response.status_code == 422
    assert "#case-description" in summary_links(html)
    assert 'id="case-description-error"' in html and 'aria-invalid="true"' in html
    assert 'value="layla@example.com"' in html  # the rest of what was typed stays
    assert not made.cases().exists() and not made.attachments().exists()


def test_more_than_three_attachments_are_refused(made: Made, client: Client) -> None:
    files = [upload(f"screen{number}.png", PNG, "image/png") for number in range(4)]
    response = file_case(client, attachments=files)
    assert response.status_code == 422
    assert "#case-attachments" in summary_links(response.content.decode())
    assert not made.cases().exists()


def test_html_in_a_description_is_kept_as_text_and_shown_escaped(client: Client) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = filed(client, description=f"Broken page {script}")
    assert case.description == f"Broken page {script}"
    html = page(client, f"/en/feedback/cases/{case.reference}/")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html and "<img src=x" not in html


def test_a_technical_problem_is_prefilled_from_the_error_page_and_the_browser(client: Client) -> None:
    request = RequestFactory().get("/en/broken/")
    error_page = error_pages.server_error(request).content.decode()
    reference = re.search(r"ER-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", error_page)
    assert reference is not None
    link = re.search(r'href="(/[a-z]{2}/feedback/new/\?kind=technical[^"]+)"', error_page)
    assert link is not None and f"error={reference.group(0)}" in link.group(1)
    assert "page=/en/broken/" in link.group(1).replace("%2F", "/")

    form = client.get(
        link.group(1).replace("&amp;", "&").replace("/ar/", "/en/", 1), HTTP_USER_AGENT="TestBrowser/1.0"
    ).content.decode()
    assert 'id="case-kind-technical" name="kind" value="technical" checked' in form
    assert f'value="{reference.group(0)}"' in form and 'value="TestBrowser/1.0"' in form

    case = filed(
        client,
        kind="technical",
        service="",
        description="The payment page showed an error.",
        doing="Paying the fee",
        page="/en/broken/",
        client_version="TestBrowser/1.0",
        error_reference=reference.group(0),
    )
    assert (case.error_reference, case.client_version, case.doing) == (
        reference.group(0),
        "TestBrowser/1.0",
        "Paying the fee",
    )


def test_the_not_found_page_offers_to_report_a_problem(client: Client) -> None:
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert 'href="/en/feedback/new/?kind=technical&amp;page=/en/no-such-page/"' in response.content.decode()
    assert "/rate/" not in response.content.decode()  # the page names no service to rate


def test_an_error_in_a_journey_asks_the_applicant_to_rate_that_transaction(
    made: Made, signed_in: Client, applicant: User
) -> None:
    application = submitted_event_permit(applicant)
    request = RequestFactory().get(f"/en/my/applications/{application.reference}/")
    request.user = applicant
    with translation.override("en"):  # as LocaleMiddleware does for an /en/ address
        error_page = error_pages.server_error(request).content.decode()
    link = re.search(r'href="(/en/rate/[^"]+)"', error_page)
    assert link is not None, error_page
    rating_url = link.group(1).replace("&amp;", "&")
    assert rating_url == f"/en/rate/{EVENT}/?endpoint=error&application={application.reference}"

    form = page(signed_in, rating_url)
    assert 'name="endpoint" value="error"' in form
    response = signed_in.post(
        rating_url, {"application": application.reference, "endpoint": "error", "face": "unhappy"}
    )
    assert response.status_code == 302
    rating = made.ratings().get(application=application)
    assert (rating.endpoint, rating.mood, rating.rater) == ("error", "dissatisfied", applicant)

    # Someone else's reference in the failing address offers nothing to rate.
    request.user = make_user("passer-by")
    with translation.override("en"):
        assert "/rate/" not in error_pages.server_error(request).content.decode()


def test_a_missing_step_of_a_journey_asks_for_a_rating_of_the_transaction(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    html = page(signed_in, f"/en/applications/{application.reference}/no-such-step/", status=404)
    assert f'href="/en/rate/{EVENT}/?endpoint=error&amp;application={application.reference}"' in html


# --- following a case -------------------------------------------------------------------------


def test_the_status_page_asks_others_for_the_contact_used_and_a_wrong_one_is_not_found(client: Client) -> None:
    case = filed(client)
    stranger = Client()
    ask = page(stranger, f"/en/feedback/cases/{case.reference}/")
    assert 'name="contact"' in ask and DESCRIPTION not in ask
    same_ask = page(stranger, "/en/feedback/cases/CS-0000-0000-0000/")
    assert 'name="contact"' in same_ask  # a reference that does not exist is asked the same

    wrong_contact = stranger.post(f"/en/feedback/cases/{case.reference}/", {"contact": "someone@example.com"})
    wrong_reference = stranger.post("/en/feedback/cases/CS-0000-0000-0000/", {"contact": "layla@example.com"})
    assert wrong_contact.status_code == wrong_reference.status_code == 404
    assert "Case not found" in wrong_contact.content.decode() and "Case not found" in wrong_reference.content.decode()

    right = stranger.post(f"/en/feedback/cases/{case.reference}/", {"contact": " Layla@Example.com "})
    assert right.status_code == 302 and right.url == f"/en/feedback/cases/{case.reference}/"
    assert "layla" not in right.url.lower()  # the proof travels in the session, never in the address
    html = page(stranger, right.url)
    assert DESCRIPTION in html and "Open" in html


def test_a_signed_in_filer_sees_their_case_and_nobody_else_does(client: Client) -> None:
    filer = make_user("filer", email="filer@example.com")
    client.force_login(filer)
    case = filed(client, contact_email="")
    assert DESCRIPTION in page(client, f"/en/feedback/cases/{case.reference}/")
    other = Client()
    other.force_login(make_user("other"))
    assert DESCRIPTION not in page(other, f"/en/feedback/cases/{case.reference}/")
    assert other.post(f"/en/feedback/cases/{case.reference}/", {"contact": "other@example.com"}).status_code == 404


def test_a_reply_is_shown_as_written_and_the_answer_can_be_rated(client: Client) -> None:
    case = filed(client)
    url = f"/en/feedback/cases/{case.reference}/"
    assert 'name="score"' not in page(client, url)  # nothing to rate before an answer
    response = client.post(f"{url}rate/", {"score": "4"})
    assert response.status_code == 409

    answered(case, message="تم تصحيح مواعيد العمل. شكراً لك.")
    html = page(client, url)
    assert "تم تصحيح مواعيد العمل. شكراً لك." in html and 'name="score"' in html
    assert client.post(f"{url}rate/", {"score": "9"}).status_code == 422
    response = client.post(f"{url}rate/", {"score": "4"})
    assert response.status_code == 302 and response.url == url
    case.refresh_from_db()
    assert case.response_score == 4
    assert "You gave 4 out of 5" in page(client, url)


def test_a_closed_case_is_reopened_within_the_window(client: Client) -> None:
    case = filed(client)
    officer = answered(case)
    cases.close_case(case=case, actor=officer, outcome="resolved")
    url = f"/en/feedback/cases/{case.reference}/"
    html = page(client, url)
    assert "Resolved" in html and 'name="reason"' in html

    case.refresh_from_db()
    response = client.post(f"{url}reopen/", {"reason": "", "revision": str(case.revision)})
    assert response.status_code == 422 and "#case-reopen-reason" in summary_links(response.content.decode())
    response = client.post(f"{url}reopen/", {"reason": "The hours are still wrong.", "revision": str(case.revision)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.events.filter(action="reopened").exists()
    assert "The hours are still wrong." in page(client, url)


def test_reopening_after_the_window_is_explained(client: Client, settings: Any) -> None:
    case = filed(client)
    cases.close_case(case=case, actor=answered(case), outcome="resolved")
    settings.TAHAWUL_CASE_REOPEN_DAYS = 0
    url = f"/en/feedback/cases/{case.reference}/"
    closed_too_long = "This case was closed too long ago to be reopened."
    html = page(client, url)
    assert closed_too_long in html and 'name="reason"' not in html
    case.refresh_from_db()
    response = client.post(f"{url}reopen/", {"reason": "Still wrong.", "revision": str(case.revision)})
    assert response.status_code == 409 and closed_too_long in response.content.decode()
    case.refresh_from_db()
    assert case.status == "closed"


# --- you said, we did -------------------------------------------------------------------------


def test_you_said_we_did_lists_a_published_change_in_both_languages(client: Client) -> None:
    case = filed(client)
    supervisor = staff(case, Role.SUPERVISOR, "supervisor")
    cases.publish_service_change(
        actor=supervisor,
        service_code=EVENT,
        you_said=LocalizedText(ar="قلتم إن المواعيد خاطئة", en="You said the opening hours were wrong"),
        we_did=LocalizedText(ar="صححنا المواعيد", en="We corrected the opening hours"),
        case_references=[case.reference],
    )
    service = Service.objects.get(code=EVENT)
    english = page(client, "/en/you-said-we-did/")
    assert "You said the opening hours were wrong" in english and "We corrected the opening hours" in english
    assert service.name_en in english and "Made after 1 message from the public." in english
    arabic = page(client, "/ar/you-said-we-did/")
    assert 'dir="rtl"' in arabic and "قلتم إن المواعيد خاطئة" in arabic and "صححنا المواعيد" in arabic
    assert service.name_ar in arabic
    assert 'href="/ar/you-said-we-did/"' in page(client, f"/ar/feedback/cases/{case.reference}/")


# --- both languages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/rate/{EVENT}/",
        "/feedback/new/",
        "/feedback/cases/CS-0000-0000-0000/",
        "/you-said-we-did/",
    ],
)
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_the_pages_read_in_arabic_right_to_left_and_in_english(
    client: Client, path: str, language: str, direction: str
) -> None:
    html = page(client, f"/{language}{path}")
    assert f'<html lang="{language}" dir="{direction}"' in html
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    inputs = {
        found
        for found in re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"', html)
        if not found.startswith("header-")
    }
    assert inputs <= labelled, inputs - labelled


def test_the_confirmation_page_asks_the_applicant_for_a_rating_in_arabic(signed_in: Client, applicant: User) -> None:
    application = submitted_event_permit(applicant)
    html = page(signed_in, f"/ar/applications/{application.reference}/done/")
    assert 'dir="rtl"' in html and 'class="rate-form"' in html and "portal/feedback.css" in html
