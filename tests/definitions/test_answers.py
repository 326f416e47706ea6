"""Checking a beneficiary's answers against a service definition, eligibility and fees."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tahawul.core.text import LocalizedText
from tahawul.definitions.answers import AnswerCheck, ApplicantFacts, FeeQuote, check_answers, fee_for, refusals
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.validation import validate_data

TODAY = date(2026, 2, 28)


# --- building definitions -----------------------------------------------------------------------


def bi(english: str) -> dict[str, str]:
    return {"ar": f"بالعربية: {english}", "en": english}


def field(key: str, type_: str, **settings_: object) -> dict[str, object]:
    return {"key": key, "type": type_, "label": bi(key.replace("_", " ").capitalize()), **settings_}


def section(key: str, *fields: dict[str, object], show_if: str | None = None) -> dict[str, object]:
    data: dict[str, object] = {"key": key, "title": bi(key.capitalize()), "fields": list(fields)}
    if show_if is not None:
        data["show_if"] = show_if
    return data


def choices(*values: str) -> list[dict[str, object]]:
    return [{"value": value, "label": bi(value)} for value in values]


def definition_data(sections: list[dict[str, object]], **top: object) -> dict[str, object]:
    """A minimal valid transactional service around ``sections``."""
    return {
        "format": 1,
        "code": "TEST-SERVICE",
        "entity": "TEST",
        "category": "testing",
        "name": bi("Test service"),
        "summary": bi("A service for tests."),
        "audience": bi("Everyone."),
        "beneficiaries": ["citizen"],
        "channels": ["web"],
        "maturity": "transactional",
        "contact": {
            "unit": bi("Test unit"),
            "phone": "+973 17000000",
            "email": "tests@test.example",
            "hours": bi("Always"),
        },
        "sections": sections,
        "workflow": {
            "initial": "submitted",
            "states": {
                "submitted": {"label": bi("Submitted"), "sla_days": 1},
                "approved": {"label": bi("Approved"), "final": True, "outcome": "approved"},
            },
            "transitions": [
                {"from": "submitted", "to": "approved", "action": "approve", "role": "officer", "label": bi("Approve")}
            ],
        },
        **top,
    }


def build(sections: list[dict[str, object]], **top: object) -> ServiceDefinition:
    definition, problems = validate_data(definition_data(sections, **top))
    assert not problems, [str(problem) for problem in problems]
    assert definition is not None
    return definition


CITIZENS_ONLY = bi("This service is available to citizens only.")
ADULTS_ONLY = bi("Applicants must be 18 or older.")
URGENT_FEE = bi("Urgent service fee")
VALUABLE_FEE = bi("Valuable goods fee")
COMPANY_URGENT_FEE = bi("Urgent company fee")
SENIOR_FEE = bi("Senior citizens")

SERVICE = build(
    [
        section(
            "passport",
            field(
                "passport_no",
                "text",
                required=True,
                pattern="^[A-Z0-9]{6,9}$",
                pattern_message=bi("6 to 9 capital letters or digits."),
            ),
            field("expiry_date", "date", required=True, min="today-5y"),
            field("urgent", "boolean"),
            field("urgency_reason", "textarea", required=True, max_length=500, show_if="urgent == true"),
        ),
        section(
            "delivery",
            field("collection_point", "choice", required=True, choices=choices("muharraq", "isa_town", "home")),
            field("contact_phone", "phone", required=True),
            field("home_address", "address", required=True, show_if="collection_point == 'home'"),
        ),
        section(
            "extras",
            field("kind", "choice", choices=choices("person", "company")),
            field("services", "multi_choice", choices=choices("water", "power", "other")),
            field("other_detail", "text", required=True, show_if="'other' in services"),
            field("declared_value", "money"),
            field("vat_number", "text", required=True, show_if="vat_registered == true"),
        ),
        section(
            "company",
            field("cr_number", "text", required=True),
            field("vat_registered", "boolean"),
            show_if="kind == 'company'",
        ),
    ],
    eligibility=[
        {"when": "applicant.is_citizen", "message": CITIZENS_ONLY},
        {"when": "applicant.age >= 18 or kind == 'company'", "message": ADULTS_ONLY},
    ],
    fee={
        "amount": "12.000",
        "rules": [
            {"when": "urgent == true", "amount": "24.000", "label": URGENT_FEE},
            {"when": "declared_value > 100", "amount": "30", "label": VALUABLE_FEE},
            {"when": "urgent == true and kind == 'company'", "amount": "50.000", "label": COMPANY_URGENT_FEE},
            {"when": "applicant.age >= 60", "amount": "0", "label": SENIOR_FEE},
        ],
    },
)
FIELD_KEYS = frozenset(item.key for item in SERVICE.fields())
REQUIRED_SHOWN_BY_DEFAULT = {"passport_no", "expiry_date", "collection_point", "contact_phone"}

VALID: dict[str, object] = {
    "passport_no": " AB١٢٣٤٥ ",
    "expiry_date": "2025-06-30",
    "urgent": False,
    "collection_point": "muharraq",
    "contact_phone": "3312 3456",
}


def check(answers: dict[str, object], **options: Any) -> AnswerCheck:
    result = check_answers(SERVICE, answers, today=TODAY, **options)
    for message in result.errors.values():
        assert isinstance(message, LocalizedText)
        assert message.ar.strip()
        assert message.en.strip()
    return result


def with_(**changes: object) -> dict[str, object]:
    return {**VALID, **changes}


# --- cleaning and required answers --------------------------------------------------------------


def test_the_definition_helper_refuses_bad_conditions() -> None:
    sections = [section("one", field("a", "choice", choices=choices("x", "y")), field("b", "text", show_if="a == 'z'"))]
    _, problems = validate_data(definition_data(sections))
    assert [problem.dotted_path for problem in problems] == ["sections[0].fields[1].show_if"]
    _, problems = validate_data(definition_data([section("one", field("b", "text", show_if="nope"))]))
    assert [problem.dotted_path for problem in problems] == ["sections[0].fields[0].show_if"]


def test_valid_answers_are_cleaned() -> None:
    result = check(VALID)
    assert result.ok
    assert result.errors == {}
    assert result.cleaned == {
        "passport_no": "AB12345",
        "expiry_date": "2025-06-30",
        "urgent": False,  # "no" is an answer, not a blank
        "collection_point": "muharraq",
        "contact_phone": "+97333123456",
    }


def test_missing_required_answers_are_errors_keyed_by_field() -> None:
    result = check({})
    assert not result.ok
    assert set(result.errors) == REQUIRED_SHOWN_BY_DEFAULT
    assert result.cleaned == {}
    assert result.errors["passport_no"].en == "Answer this question."


@pytest.mark.parametrize("blank", ["", "   ", None, []])
def test_blank_answers_count_as_missing(blank: object) -> None:
    result = check(with_(passport_no=blank, services=blank))
    assert set(result.errors) == {"passport_no"}
    assert "passport_no" not in result.cleaned
    assert "services" not in result.cleaned  # an optional blank is simply not kept


def test_every_invalid_answer_is_reported_at_once() -> None:
    result = check(with_(passport_no="ab", expiry_date="2020-01-01", contact_phone="123", declared_value="lots"))
    assert set(result.errors) == {"passport_no", "expiry_date", "contact_phone", "declared_value"}
    assert result.errors["passport_no"] == LocalizedText(**bi("6 to 9 capital letters or digits."))
    assert "2021-02-28" in result.errors["expiry_date"].en
    assert set(result.cleaned) == {"urgent", "collection_point"}


def test_unknown_keys_are_errors() -> None:
    result = check(with_(pasport_no="AB12345", **{"home_address.block": "305"}))
    assert set(result.errors) == {"pasport_no", "home_address.block"}
    assert "pasport_no" in result.errors["pasport_no"].en
    assert "pasport_no" not in result.cleaned


def test_arabic_digits_are_read_through_the_check() -> None:
    result = check(with_(expiry_date="٢٠٢٥-٠٦-٣٠", contact_phone="٣٣١٢٣٤٥٦", declared_value="١٢٫٥"))
    assert result.ok
    assert result.cleaned["expiry_date"] == "2025-06-30"
    assert result.cleaned["contact_phone"] == "+97333123456"
    assert result.cleaned["declared_value"] == 12500


# --- visibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("urgent", [False, "no", None])
def test_hidden_fields_are_neither_checked_nor_kept(urgent: object) -> None:
    answers = with_(urgent=urgent, urgency_reason="x" * 600)  # too long, but not asked
    result = check(answers)
    assert result.ok
    assert "urgency_reason" not in result.cleaned


def test_a_field_shown_by_another_answer_is_checked() -> None:
    assert set(check(with_(urgent="yes")).errors) == {"urgency_reason"}
    assert set(check(with_(urgent=True, urgency_reason="x" * 501)).errors) == {"urgency_reason"}
    result = check(with_(urgent=True, urgency_reason="  Travelling on Sunday.  "))
    assert result.ok
    assert result.cleaned["urgency_reason"] == "Travelling on Sunday."


def test_an_invalid_answer_does_not_show_the_fields_it_controls() -> None:
    result = check(with_(urgent="maybe", urgency_reason="x" * 600))
    assert set(result.errors) == {"urgent"}
    assert "urgency_reason" not in result.cleaned


def test_multi_choice_answers_show_fields() -> None:
    assert set(check(with_(services=["water", "other"])).errors) == {"other_detail"}
    assert set(check(with_(services="other")).errors) == {"other_detail"}
    result = check(with_(services=["water"], other_detail="x" * 300))
    assert result.ok
    assert result.cleaned["services"] == ["water"]
    assert "other_detail" not in result.cleaned


def test_a_hidden_section_is_neither_checked_nor_kept() -> None:
    result = check(with_(kind="person", cr_number="x" * 500, vat_registered="maybe"))
    assert result.ok
    assert "cr_number" not in result.cleaned
    assert "vat_registered" not in result.cleaned
    assert result.cleaned["kind"] == "person"


def test_a_section_shown_by_an_answer_is_checked() -> None:
    assert set(check(with_(kind="company")).errors) == {"cr_number"}
    result = check(with_(kind="company", cr_number="CR-1"))
    assert result.ok
    assert result.cleaned["cr_number"] == "CR-1"


def test_answers_of_hidden_fields_do_not_show_other_fields() -> None:
    # vat_number is shown by vat_registered, which sits in the company section.
    hidden = check(with_(kind="person", vat_registered=True))
    assert hidden.ok
    assert "vat_registered" not in hidden.cleaned
    shown = check(with_(kind="company", cr_number="CR-1", vat_registered=True))
    assert set(shown.errors) == {"vat_number"}


def test_address_part_errors_are_keyed_by_part() -> None:
    address = {"building": "12", "road": "3456", "block": "12"}
    result = check(with_(collection_point="home", home_address=address))
    assert set(result.errors) == {"home_address.block"}
    assert "block" in result.errors["home_address.block"].en
    assert set(check(with_(collection_point="home", home_address="Road 12")).errors) == {"home_address"}
    assert set(check(with_(collection_point="home", home_address={"flat": "", "area": ""})).errors) == {"home_address"}
    good = check(with_(collection_point="home", home_address={**address, "block": "٣٠٥"}))
    assert good.ok
    assert good.cleaned["home_address"] == {"building": "12", "road": "3456", "block": "305"}
    assert check(with_(home_address=address)).ok  # hidden: collection at an office


# --- a page at a time ---------------------------------------------------------------------------


def test_sections_limit_the_check_to_those_pages() -> None:
    result = check({"passport_no": "AB12345", "expiry_date": "2025-06-30"}, sections=["passport"])
    assert result.ok
    assert set(result.cleaned) == {"passport_no", "expiry_date"}
    result = check({}, sections=["delivery"])
    assert set(result.errors) == {"collection_point", "contact_phone"}
    result = check(VALID, sections=["delivery"])
    assert result.ok
    assert set(result.cleaned) == {"collection_point", "contact_phone"}
    result = check({}, sections=[])
    assert result.ok
    assert result.cleaned == {}


def test_a_page_still_sees_answers_from_other_pages() -> None:
    assert set(check({"kind": "company"}, sections=["company"]).errors) == {"cr_number"}
    assert check({"kind": "person"}, sections=["company"]).ok
    assert set(check({"urgent": True}, sections=["passport"]).errors) == {
        "passport_no",
        "expiry_date",
        "urgency_reason",
    }


def test_unknown_keys_are_errors_on_every_page() -> None:
    assert set(check({"bogus": 1}, sections=["passport"]).errors) >= {"bogus"}


# --- properties ---------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=12),
    st.sampled_from(["true", "yes", "other", "company", "home", "33123456", "AB12345", "2025-06-30", "12.5", "٣"]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["flat", "building", "road", "block", "area"]) | st.text(max_size=5), children),
    ),
    max_leaves=6,
)
plausible = {
    "urgent": st.sampled_from([True, False, "yes", "no"]),
    "collection_point": st.sampled_from(["muharraq", "home"]),
    "home_address": st.fixed_dictionaries(
        {}, optional={part: st.sampled_from(["1", "12", "305", "x", ""]) for part in ("building", "road", "block")}
    ),
    "kind": st.sampled_from(["person", "company"]),
    "services": st.lists(st.sampled_from(["water", "power", "other"])),
    "vat_registered": st.booleans(),
}
answer_keys = st.one_of(st.sampled_from(sorted(FIELD_KEYS)), st.text(max_size=8))
answers_strategy = st.builds(
    lambda junk, chosen: {**junk, **chosen},
    st.dictionaries(answer_keys, json_values, max_size=8),
    st.fixed_dictionaries({}, optional=plausible),
)
section_keys = [item.key for item in SERVICE.sections]


@settings(max_examples=150, deadline=None)
@given(answers_strategy, st.none() | st.lists(st.sampled_from(section_keys), unique=True))
def test_check_answers_never_raises_and_keys_stay_known(answers: dict[str, object], pages: list[str] | None) -> None:
    result = check(answers, sections=pages)
    sent_unknown = set(answers) - FIELD_KEYS
    address_parts = {f"home_address.{part}" for part in ("flat", "building", "road", "block", "area")}
    assert set(result.cleaned) <= FIELD_KEYS
    assert set(result.errors) <= FIELD_KEYS | sent_unknown | address_parts
    assert sent_unknown <= set(result.errors)
    assert not set(result.cleaned) & set(result.errors)
    assert set(result.cleaned) <= set(answers)  # nothing is kept that was not sent
    if pages is not None:
        on_pages = {item.key for part in SERVICE.sections if part.key in pages for item in part.fields}
        assert set(result.cleaned) <= on_pages
        assert set(result.errors) - sent_unknown - address_parts <= on_pages
    assert result.ok == (not result.errors)


@settings(max_examples=50, deadline=None)
@given(answers_strategy)
def test_fee_and_refusals_never_raise_for_checked_answers(answers: dict[str, object]) -> None:
    cleaned = check(answers).cleaned
    quote = fee_for(SERVICE, cleaned=cleaned, facts=ApplicantFacts(age=40, is_citizen=True))
    assert quote.fils in {0, 12000, 24000, 30000, 50000}
    assert refusals(SERVICE, facts=ApplicantFacts(age=40, is_citizen=True), cleaned=cleaned) == []


# --- fees ---------------------------------------------------------------------------------------


def fee(answers: dict[str, object], facts: ApplicantFacts | None = None) -> FeeQuote:
    result = check(answers)
    assert result.ok, result.errors
    return fee_for(SERVICE, cleaned=result.cleaned, facts=facts)


def test_standard_fee_when_no_rule_holds() -> None:
    assert fee(VALID) == FeeQuote(fils=12000, label=None)
    assert fee(with_(declared_value="100")) == FeeQuote(fils=12000, label=None)  # not more than 100 BHD


def test_the_first_rule_that_holds_sets_the_fee() -> None:
    urgent = with_(urgent=True, urgency_reason="Travel")
    assert fee(urgent) == FeeQuote(fils=24000, label=LocalizedText(**URGENT_FEE))
    # The company rule also holds, but comes later.
    company = {**urgent, "kind": "company", "cr_number": "CR-1"}
    assert fee(company).fils == 24000
    assert fee({**urgent, "declared_value": "500"}).fils == 24000


def test_money_answers_compare_in_dinars() -> None:
    assert fee(with_(declared_value="100.001")) == FeeQuote(fils=30000, label=LocalizedText(**VALUABLE_FEE))


def test_fee_rules_may_use_applicant_facts() -> None:
    assert fee(VALID, ApplicantFacts(age=65)) == FeeQuote(fils=0, label=LocalizedText(**SENIOR_FEE))
    assert fee(VALID, ApplicantFacts(age=59)).fils == 12000
    assert fee(VALID, None).fils == 12000
    assert fee(VALID, ApplicantFacts()).fils == 12000


def test_a_free_service() -> None:
    free = build([section("only", field("name", "text"))])
    assert fee_for(free, cleaned={"name": "x"}) == FeeQuote(fils=0, label=None)


def test_fee_rules_read_answers_not_kept_as_null() -> None:
    assert fee_for(SERVICE, cleaned={"kind": "company"}).fils == 12000
    assert fee_for(SERVICE, cleaned={}).fils == 12000


# --- eligibility --------------------------------------------------------------------------------


def test_no_refusal_when_facts_are_unknown() -> None:
    cleaned = check(VALID).cleaned
    assert refusals(SERVICE, facts=None, cleaned=cleaned) == []
    assert refusals(SERVICE, facts=ApplicantFacts(), cleaned=cleaned) == []


def test_refusal_messages_of_rules_that_fail() -> None:
    cleaned = check(VALID).cleaned
    citizens = LocalizedText(**CITIZENS_ONLY)
    adults = LocalizedText(**ADULTS_ONLY)
    assert refusals(SERVICE, facts=ApplicantFacts(is_citizen=False, age=30), cleaned=cleaned) == [citizens]
    assert refusals(SERVICE, facts=ApplicantFacts(is_citizen=True, age=30), cleaned=cleaned) == []
    assert refusals(SERVICE, facts=ApplicantFacts(is_citizen=False, age=16), cleaned=cleaned) == [citizens, adults]
    # Only the rule whose facts are known is decided.
    assert refusals(SERVICE, facts=ApplicantFacts(age=16), cleaned=cleaned) == [adults]
    assert refusals(SERVICE, facts=ApplicantFacts(is_citizen=False), cleaned=cleaned) == [citizens]


def test_eligibility_rules_may_read_answers() -> None:
    company = check(with_(kind="company", cr_number="CR-1")).cleaned
    assert refusals(SERVICE, facts=ApplicantFacts(is_citizen=True, age=16), cleaned=company) == []


def test_applicant_facts_as_names() -> None:
    facts = ApplicantFacts(age=30, nationality="BH", is_citizen=True, is_resident=None, kind="individual")
    assert facts.as_names() == {
        "applicant.age": 30,
        "applicant.nationality": "BH",
        "applicant.is_citizen": True,
        "applicant.kind": "individual",
    }
