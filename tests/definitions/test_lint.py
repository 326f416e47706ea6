"""The simplification linter: each finding on a definition made to show it, none on a clean one."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
from django.utils import translation

from tahawul.definitions import lint as codes
from tahawul.definitions.actions import definition_files
from tahawul.definitions.lint import Finding, LintThresholds, Severity, lint
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.validation import validate_data, validate_file
from tests.conftest import DEMO_SERVICES
from tests.definitions.conftest import DOC


def text(en: str, ar: str | None = None) -> dict[str, str]:
    return {"en": en, "ar": ar or f"{en} بالعربية"}


def state(en: str, **settings: Any) -> dict[str, Any]:
    return {"label": text(en), **settings}


def move(source: str | list[str], to: str, action: str, role: str = "officer") -> dict[str, Any]:
    return {"from": source, "to": to, "action": action, "role": role, "label": text(action)}


CLEAN: dict[str, Any] = {
    "format": 1,
    "code": "MUN-CLEAN-SERVICE",
    "entity": "MUN",
    "category": "housing",
    "name": text("A clean service"),
    "summary": text("Nothing to simplify."),
    "audience": text("Everyone."),
    "beneficiaries": ["citizen"],
    "channels": ["web", "mobile"],
    "maturity": "transactional",
    "annual_volume": 90000,
    "steps": [text("Apply and pay online."), text("Receive the permit by e-mail.")],
    "contact": {
        "unit": text("Permits"),
        "phone": "+973 17000000",
        "email": "permits@mun.demo.example",
        "hours": text("Sunday to Thursday"),
    },
    "fee": {"amount": "5.000", "payment": "online"},
    "sections": [
        {
            "key": "request",
            "title": text("The request"),
            "fields": [
                {"key": "plot_no", "type": "text", "label": text("Plot number"), "required": True},
                {"key": "reason", "type": "textarea", "label": text("Reason"), "required": True},
            ],
        }
    ],
    "documents": [
        {"key": "site_plan", "label": text("Site plan"), "types": ["application/pdf"], "max_mb": 5},
    ],
    "workflow": {
        "initial": "submitted",
        "states": {
            "submitted": state("Submitted", sla_days=1),
            "in_review": state("In review", sla_days=3),
            "approved": state("Approved", final=True, outcome="approved", issues="permit"),
            "rejected": state("Rejected", final=True, outcome="rejected"),
        },
        "transitions": [
            move("submitted", "in_review", "claim"),
            move("in_review", "approved", "approve"),
            move("in_review", "rejected", "reject"),
        ],
    },
}


def definition(**changes: Any) -> ServiceDefinition:
    """The clean definition with top-level keys replaced; checked by the validator as a designer's would be."""
    data = copy.deepcopy(CLEAN)
    data.update(changes)
    checked, problems = validate_data(data)
    assert problems == [], [problem.text for problem in problems]
    assert checked is not None
    return checked


def document(key: str, en: str, ar: str | None = None, **settings: Any) -> dict[str, Any]:
    return {"key": key, "label": text(en, ar), "types": ["application/pdf"], "max_mb": 5, **settings}


def with_documents(*extra: dict[str, Any]) -> ServiceDefinition:
    return definition(documents=[*CLEAN["documents"], *extra])


def with_fields(*extra: dict[str, Any], title: str = "The request") -> ServiceDefinition:
    section = {**CLEAN["sections"][0], "title": text(title), "fields": [*CLEAN["sections"][0]["fields"], *extra]}
    return definition(sections=[section])


def with_workflow(states: dict[str, Any], transitions: list[dict[str, Any]]) -> ServiceDefinition:
    return definition(workflow={"initial": "submitted", "states": states, "transitions": transitions})


def found(target: ServiceDefinition, code: str, **kwargs: Any) -> list[Finding]:
    return [finding for finding in lint(target, **kwargs) if finding.code == code]


FINAL = {
    "approved": state("Approved", final=True, outcome="approved"),
    "rejected": state("Rejected", final=True, outcome="rejected"),
}


def test_a_clean_definition_has_no_finding() -> None:
    assert lint(definition()) == []


def test_every_code_is_numbered_and_named_once() -> None:
    assert len(set(codes.CODES)) == len(codes.CODES) == 9
    assert all(code.startswith("TW1") and "-" in code for code in codes.CODES)


# --- TW101 documents the government already holds ----------------------------------------------------


def test_a_required_passport_copy_is_an_error_found_by_its_english_label() -> None:
    target = with_documents(document("travel_doc", "Copy of your passport", "مستند السفر"))
    [finding] = found(target, codes.HELD_DOCUMENT)
    assert finding.severity == Severity.ERROR
    assert finding.dotted_path == "documents[1]"
    assert "passport" in finding.explanation.en
    assert "Copy of your passport" in finding.explanation.en


def test_a_smart_card_copy_is_found_by_its_arabic_label_alone() -> None:
    target = with_documents(document("scan", "Scan", "صورة البطاقة الذكية"))
    [finding] = found(target, codes.HELD_DOCUMENT)
    assert finding.dotted_path == "documents[1]"
    assert "صورة البطاقة الذكية" in finding.explanation.ar


@pytest.mark.parametrize("arabic", ["صوره جواز السفر", "صورةُ جوازِ السفر", "نسخة من جواز السفر"])
def test_arabic_spelling_variants_meet(arabic: str) -> None:
    target = with_documents(document("upload", "Upload", arabic))
    assert len(found(target, codes.HELD_DOCUMENT)) == 1


def test_a_birth_certificate_is_found_by_its_key() -> None:
    target = with_documents(document("birth_certificate", "Proof", "إثبات"))
    assert [finding.dotted_path for finding in found(target, codes.HELD_DOCUMENT)] == ["documents[1]"]


def test_an_optional_or_conditional_held_document_is_a_warning() -> None:
    target = with_documents(
        document("residence_permit", "Residence permit", required=False),
        document("cr_certificate", "CR certificate", show_if="reason == 'x'"),
    )
    assert [finding.severity for finding in found(target, codes.HELD_DOCUMENT)] == [Severity.WARNING] * 2


def test_a_foreign_certificate_is_not_held_by_the_kingdom() -> None:
    target = with_documents(
        document("foreign_certificate", "Attested foreign birth certificate", "شهادة الميلاد الأجنبية"),
        document("visitor_passport", "Copy of the visitor's passport", "صورة جواز الزائر"),
    )
    assert found(target, codes.HELD_DOCUMENT) == []


def test_a_file_field_asking_for_a_held_document_is_found_on_its_page() -> None:
    target = with_fields(
        {
            "key": "id_upload",
            "type": "file",
            "label": text("Identity card", "بطاقة الهوية"),
            "required": True,
            "types": ["image/jpeg"],
            "max_mb": 2,
        }
    )
    [finding] = found(target, codes.HELD_DOCUMENT)
    assert finding.dotted_path == "sections[0].fields[2]"


# --- TW102 and TW103 too many documents or questions -------------------------------------------------


def test_more_required_documents_than_the_limit() -> None:
    four = with_documents(*(document(f"plan_{n}", f"Plan {n}") for n in range(3)))
    [finding] = found(four, codes.TOO_MANY_DOCUMENTS)
    assert finding.severity == Severity.WARNING
    assert "4 documents" in finding.explanation.en
    assert (
        found(with_documents(*(document(f"plan_{n}", f"Plan {n}") for n in range(2))), codes.TOO_MANY_DOCUMENTS) == []
    )


def test_documents_asked_only_of_some_applicants_do_not_count() -> None:
    target = with_documents(*(document(f"plan_{n}", f"Plan {n}", show_if="reason == 'x'") for n in range(5)))
    assert found(target, codes.TOO_MANY_DOCUMENTS) == []


def test_the_document_limit_comes_from_the_settings(settings: Any) -> None:
    four = with_documents(*(document(f"plan_{n}", f"Plan {n}") for n in range(3)))
    settings.TAHAWUL_LINT_MAX_REQUIRED_DOCUMENTS = 4
    assert found(four, codes.TOO_MANY_DOCUMENTS) == []
    settings.TAHAWUL_LINT_MAX_REQUIRED_DOCUMENTS = 2
    assert len(found(four, codes.TOO_MANY_DOCUMENTS)) == 1


def test_more_required_questions_than_the_limit() -> None:
    questions = [{"key": f"q_{n}", "type": "text", "label": text(f"Question {n}"), "required": True} for n in range(9)]
    eleven = with_fields(*questions)
    [finding] = found(eleven, codes.TOO_MANY_FIELDS)
    assert finding.dotted_path == "sections"
    assert "11 required questions" in finding.explanation.en
    assert found(eleven, codes.TOO_MANY_FIELDS, thresholds=LintThresholds(max_required_fields=11)) == []
    optional = [{**question, "required": False} for question in questions]
    assert found(with_fields(*optional), codes.TOO_MANY_FIELDS) == []


# --- TW104 visits ------------------------------------------------------------------------------------


def test_an_appointment_in_person_is_a_warning_and_a_site_inspection_advice() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted", sla_days=1),
            "interview": state("Interview", sla_days=2, visit="appointment"),
            "inspection": state("Site inspection", sla_days=2, visit="inspection"),
            **FINAL,
        },
        [
            move("submitted", "interview", "book"),
            move("interview", "inspection", "record"),
            move("inspection", "approved", "approve"),
            move(["interview", "inspection"], "rejected", "reject"),
        ],
    )
    visits = {finding.dotted_path: finding.severity for finding in found(target, codes.IN_PERSON_VISIT)}
    assert visits == {
        "workflow.states.interview.visit": Severity.WARNING,
        "workflow.states.inspection.visit": Severity.ADVICE,
    }


def test_collecting_the_result_in_person_is_a_visit() -> None:
    target = with_workflow(
        {"submitted": state("Submitted", sla_days=1), "ready": state("Ready to collect", visit="collection"), **FINAL},
        [
            move("submitted", "ready", "approve"),
            move("ready", "approved", "hand_over"),
            move("submitted", "rejected", "reject"),
        ],
    )
    [finding] = found(target, codes.IN_PERSON_VISIT)
    assert "Ready to collect" in finding.explanation.en


# --- TW105 approvals in a row ------------------------------------------------------------------------


def test_two_officers_approving_in_turn_could_work_in_parallel() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted", sla_days=1),
            "technical_review": state("Technical review", sla_days=2),
            "legal_review": state("Legal review", sla_days=2),
            **FINAL,
        },
        [
            move("submitted", "technical_review", "claim"),
            move("technical_review", "legal_review", "recommend_approval"),
            move("legal_review", "approved", "approve"),
            move(["technical_review", "legal_review"], "rejected", "reject"),
        ],
    )
    [finding] = found(target, codes.SEQUENTIAL_APPROVALS)
    assert finding.severity == Severity.ADVICE
    assert finding.dotted_path == "workflow.states.technical_review"
    assert "“Technical review” → “Legal review”" in finding.explanation.en


def test_an_officer_then_a_supervisor_is_the_two_level_approval_and_is_not_flagged() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted"),
            "in_review": state("In review"),
            "head_review": state("Head review"),
            **FINAL,
        },
        [
            move("submitted", "in_review", "claim"),
            move("in_review", "head_review", "recommend_approval"),
            move("head_review", "approved", "approve", role="supervisor"),
            move("head_review", "in_review", "return_to_officer", role="supervisor"),
            move(["in_review", "head_review"], "rejected", "reject"),
        ],
    )
    assert found(target, codes.SEQUENTIAL_APPROVALS) == []


def test_three_approvals_in_a_row_are_flagged_whatever_the_roles() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted"),
            "in_review": state("In review"),
            "head_review": state("Head review"),
            "director": state("Director"),
            **FINAL,
        },
        [
            move("submitted", "in_review", "claim"),
            move("in_review", "head_review", "recommend"),
            move("head_review", "director", "endorse", role="supervisor"),
            move("director", "approved", "approve", role="officer"),
            move(["in_review", "head_review", "director"], "rejected", "reject"),
        ],
    )
    [finding] = found(target, codes.SEQUENTIAL_APPROVALS)
    assert finding.explanation.en.startswith("3 approvals")
    assert found(target, codes.SEQUENTIAL_APPROVALS, thresholds=LintThresholds(max_approvals_in_sequence=3)) == []


# --- TW106 a long SLA --------------------------------------------------------------------------------


def test_an_sla_above_the_limit_and_the_applicants_time_does_not_count() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted", sla_days=5),
            "in_review": state("In review", sla_days=16),
            "needs_correction": state("Needs correction", actor="applicant", sla_days=30),
            **FINAL,
        },
        [
            move("submitted", "in_review", "claim"),
            move("in_review", "needs_correction", "request_correction"),
            move("needs_correction", "in_review", "resubmit", role="applicant"),
            move("in_review", "approved", "approve"),
            move("in_review", "rejected", "reject"),
        ],
    )
    [finding] = found(target, codes.LONG_SLA)
    assert "21 working days" in finding.explanation.en
    assert found(target, codes.LONG_SLA, thresholds=LintThresholds(max_sla_days=21)) == []


# --- TW107 fees paid separately ----------------------------------------------------------------------


def test_a_fee_paid_at_the_counter_is_paid_separately() -> None:
    [finding] = found(definition(fee={"amount": "5.000", "payment": "counter"}), codes.FEE_PAID_SEPARATELY)
    assert finding.dotted_path == "fee.payment"
    assert finding.severity == Severity.WARNING
    assert len(found(definition(fee={"amount": "5.000", "payment": "on_collection"}), codes.FEE_PAID_SEPARATELY)) == 1


def test_nothing_to_pay_is_never_paid_separately() -> None:
    assert found(definition(fee={"amount": "0", "payment": "counter"}), codes.FEE_PAID_SEPARATELY) == []


def test_paying_in_two_steps() -> None:
    steps = [text("Pay the application fee."), text("Apply."), text("Pay the permit fee when it is approved.")]
    [finding] = found(definition(steps=steps), codes.FEE_PAID_SEPARATELY)
    assert finding.dotted_path == "steps"
    assert "2 separate steps" in finding.explanation.en


def test_a_state_waiting_for_a_second_payment_is_a_second_payment_step() -> None:
    target = with_workflow(
        {
            "submitted": state("Submitted"),
            "awaiting_payment": state("Waiting for payment", actor="applicant"),
            **FINAL,
        },
        [
            move("submitted", "awaiting_payment", "issue_bill"),
            move("awaiting_payment", "approved", "confirm_payment", role="system"),
            move("submitted", "rejected", "reject"),
        ],
    )
    assert len(found(target, codes.FEE_PAID_SEPARATELY)) == 1


# --- TW108 questions the profile answers -------------------------------------------------------------


def test_fields_repeating_the_profile_by_key_and_by_label() -> None:
    target = with_fields(
        {"key": "applicant_email", "type": "email", "label": text("Email address")},
        {"key": "reach_me", "type": "phone", "label": text("Your mobile number", "رقم جوالك")},
        {"key": "born_on", "type": "date", "label": text("Born on", "تاريخ ميلادك")},
    )
    paths = [finding.dotted_path for finding in found(target, codes.PROFILE_FIELD)]
    assert paths == ["sections[0].fields[2]", "sections[0].fields[3]", "sections[0].fields[4]"]


def test_someone_elses_details_are_not_the_profile() -> None:
    target = with_fields(
        {"key": "phone", "type": "phone", "label": text("Phone number")},
        {"key": "birth_date", "type": "date", "label": text("Date of birth")},
        title="Worker details",
    )
    assert found(target, codes.PROFILE_FIELD) == []


# --- TW109 information only, yet many visits ---------------------------------------------------------


def informational(**changes: Any) -> ServiceDefinition:
    return definition(maturity="informational", sections=[], documents=[], workflow=None, fee=None, **changes)


def test_an_informational_service_with_high_volume() -> None:
    [finding] = found(informational(annual_volume=60000), codes.INFORMATIONAL_HIGH_VOLUME)
    assert finding.dotted_path == "maturity"
    assert "60000" in finding.explanation.en
    assert found(informational(annual_volume=1000), codes.INFORMATIONAL_HIGH_VOLUME) == []


def test_a_measured_counter_volume_overrides_the_annual_volume() -> None:
    quiet = informational(annual_volume=0)
    assert len(found(quiet, codes.INFORMATIONAL_HIGH_VOLUME, counter_volume=80000)) == 1
    busy = informational(annual_volume=90000)
    assert found(busy, codes.INFORMATIONAL_HIGH_VOLUME, counter_volume=10) == []


def test_a_transactional_service_is_never_informational_only() -> None:
    assert found(definition(annual_volume=900000), codes.INFORMATIONAL_HIGH_VOLUME) == []


# --- explanations, order, the demo -------------------------------------------------------------------


def test_explanations_exist_in_both_languages_and_follow_the_active_one() -> None:
    target = with_documents(document("passport_copy", "Copy of your passport", "صورة جواز السفر"))
    [finding] = found(target, codes.HELD_DOCUMENT)
    assert "Copy of your passport" in finding.explanation.en
    assert "صورة جواز السفر" in finding.explanation.ar
    with translation.override("ar"):
        assert finding.text == finding.explanation.ar
        assert finding.line("x.yaml").startswith("x.yaml:documents[1]: TW101-held-document ")
    with translation.override("en"):
        assert finding.line("x.yaml").startswith("x.yaml:documents[1]: TW101-held-document error: ")


def test_errors_come_first() -> None:
    target = definition(
        fee={"amount": "5.000", "payment": "counter"},
        documents=[document("passport_copy", "Copy of your passport")],
    )
    severities = [finding.severity for finding in lint(target)]
    assert severities[0] == Severity.ERROR
    assert severities == sorted(severities, key=codes.SEVERITY_RANK.__getitem__)


def test_the_demo_definitions_give_a_believable_spread() -> None:
    per_service: dict[str, list[Finding]] = {}
    for path in definition_files([DEMO_SERVICES]):
        checked = validate_file(path).definition
        assert checked is not None
        per_service[checked.code] = lint(checked, thresholds=LintThresholds())
    by_code = Counter(finding.code for findings in per_service.values() for finding in findings)
    assert len(by_code) >= 7, by_code
    assert max(len(findings) for findings in per_service.values()) <= 10
    assert sum(1 for findings in per_service.values() if not findings) >= 10  # some services are already simple
    # The documented example services: a passport copy asked of every applicant is the error it should be.
    renew = per_service["NPRA-PASSPORT-RENEW"]
    assert any(finding.code == codes.HELD_DOCUMENT and finding.severity == Severity.ERROR for finding in renew)


def test_the_earlier_passport_renewal_shows_what_re_engineering_removed() -> None:
    earlier = validate_file(DEMO_SERVICES.parent / "services_earlier" / "NPRA" / "npra-passport-renew.yaml").definition
    current = validate_file(DEMO_SERVICES / "NPRA" / "npra-passport-renew.yaml").definition
    assert earlier is not None and current is not None
    before = Counter(finding.code for finding in lint(earlier, thresholds=LintThresholds()))
    after = Counter(finding.code for finding in lint(current, thresholds=LintThresholds()))
    assert before[codes.HELD_DOCUMENT] == 3 and after[codes.HELD_DOCUMENT] == 1
    assert before[codes.SEQUENTIAL_APPROVALS] == 1 and after[codes.SEQUENTIAL_APPROVALS] == 0
    assert before[codes.FEE_PAID_SEPARATELY] == 1 and after[codes.FEE_PAID_SEPARATELY] == 0
    assert sum(after.values()) < sum(before.values())


@pytest.mark.parametrize("code", codes.CODES)
def test_every_code_is_documented(code: str) -> None:
    assert f"`{code}`" in DOC.read_text(encoding="utf-8")
