"""Comparing two versions of a definition: each measure's before, after, change and verdict."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from tahawul.definitions.compare import Verdict, compare_versions, normal_path
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.source import read_yaml

Data = dict[str, Any]


@pytest.fixture
def base(example_yaml: str) -> Data:
    data = read_yaml(example_yaml).data
    assert isinstance(data, dict)
    return data


def variant(data: Data, change: Callable[[Data], None]) -> ServiceDefinition:
    changed = copy.deepcopy(data)
    change(changed)
    return ServiceDefinition.model_validate(changed)


def unchanged(data: Data) -> None:
    pass


def label(en: str) -> dict[str, str]:
    return {"ar": "نص", "en": en}


def with_a_copy_of_the_id_card(data: Data) -> None:
    data["documents"].append(
        {"key": "id_card_copy", "label": label("Copy of the identity card"), "types": ["image/png"], "max_mb": 2}
    )


def with_an_appointment_and_a_second_approval(data: Data) -> None:
    states = data["workflow"]["states"]
    states["appointment"] = {"label": label("Appointment"), "visit": "appointment", "sla_days": 5}
    states["director"] = {"label": label("Waiting for the director"), "sla_days": 2}
    transitions = data["workflow"]["transitions"]
    claim = next(item for item in transitions if item["action"] == "claim")
    claim["to"] = "appointment"
    transitions.append(
        {"from": "appointment", "to": "in_review", "action": "attend", "role": "officer", "label": label("Attended")}
    )
    approve = next(item for item in transitions if item["action"] == "approve")
    approve["to"] = "director"
    transitions.append(
        {"from": "director", "to": "ready", "action": "sign", "role": "supervisor", "label": label("Sign")}
    )


def test_a_version_compared_with_itself_changes_nothing(base: Data) -> None:
    comparison = compare_versions(variant(base, unchanged), variant(base, unchanged))
    assert {measure.verdict for measure in comparison.measures()} == {Verdict.SAME}
    assert all(measure.change == 0 for measure in comparison.measures())
    assert (comparison.better, comparison.worse) == (0, 0)


def test_the_groups_hold_every_measure_the_report_shows(base: Data) -> None:
    comparison = compare_versions(variant(base, unchanged), variant(base, unchanged))
    assert [group.key for group in comparison.groups] == ["process", "asked", "access"]
    assert [measure.key for measure in comparison.measures()] == [
        "path_states",
        "steps",
        "states",
        "visits",
        "sla_days",
        "required_fields",
        "fields",
        "required_documents",
        "documents",
        "fee",
        "payment",
        "channels",
        "maturity",
    ]


def test_dropping_the_id_card_copy_is_one_document_fewer_and_names_it(base: Data) -> None:
    before = variant(base, with_a_copy_of_the_id_card)
    after = variant(base, unchanged)
    documents = compare_versions(before, after).measure("required_documents")
    assert (documents.before, documents.after, documents.change) == (2, 1, -1)
    assert documents.verdict == Verdict.BETTER
    assert [(item.key, item.label.en) for item in documents.removed] == [("id_card_copy", "Copy of the identity card")]
    assert documents.added == ()


def test_an_appointment_and_a_sequential_approval_make_the_way_longer(base: Data) -> None:
    comparison = compare_versions(variant(base, unchanged), variant(base, with_an_appointment_and_a_second_approval))
    path = comparison.measure("path_states")
    assert (path.before, path.after, path.verdict) == (4, 6, Verdict.WORSE)  # submitted, in_review, ready, approved
    visits = comparison.measure("visits")
    assert (visits.before, visits.after) == (1, 2)
    assert [item.key for item in visits.added] == ["appointment"]
    days = comparison.measure("sla_days")
    assert (days.before, days.after, days.change, days.verdict) == (14, 21, 7, Verdict.WORSE)
    states = comparison.measure("states")
    assert sorted(item.key for item in states.added) == ["appointment", "director"]


def test_the_normal_path_skips_the_applicants_correction_loop(base: Data) -> None:
    definition = variant(base, with_an_appointment_and_a_second_approval)
    assert definition.workflow is not None
    assert normal_path(definition.workflow) == [
        "submitted",
        "appointment",
        "in_review",
        "director",
        "ready",
        "approved",
    ]


def test_a_workflow_without_an_approved_end_cannot_be_compared_on_the_path(base: Data) -> None:
    def no_approval(data: Data) -> None:
        data["workflow"]["transitions"] = [t for t in data["workflow"]["transitions"] if t["action"] != "hand_over"]

    definition = ServiceDefinition.model_validate(copy.deepcopy(base))
    broken = definition.model_copy(update={"workflow": variant(base, no_approval).workflow})
    path = compare_versions(definition, broken).measure("path_states")
    assert (path.before, path.after, path.change) == (4, None, None)
    assert path.verdict == Verdict.UNKNOWN


def test_a_fee_raised_and_taken_at_the_counter_is_worse_twice(base: Data) -> None:
    def at_the_counter(data: Data) -> None:
        data["fee"]["amount"] = "15.500"
        data["fee"]["payment"] = "counter"

    comparison = compare_versions(variant(base, unchanged), variant(base, at_the_counter))
    fee = comparison.measure("fee")
    assert (fee.before, fee.after, fee.change, fee.verdict) == (12000, 15500, 3500, Verdict.WORSE)
    payment = comparison.measure("payment")
    assert payment.verdict == Verdict.WORSE
    with translation.override("en"):
        assert (str(payment.before_text), str(payment.after_text)) == ("Paid online", "Paid at a counter")


def test_a_free_service_has_no_fee_to_pay_anywhere(base: Data) -> None:
    def free(data: Data) -> None:
        del data["fee"]

    comparison = compare_versions(variant(base, unchanged), variant(base, free))
    assert (comparison.measure("fee").after, comparison.measure("fee").verdict) == (0, Verdict.BETTER)
    with translation.override("en"):
        assert str(comparison.measure("payment").after_text) == "No fee"


def test_more_channels_and_a_higher_stage_are_better(base: Data) -> None:
    def at_the_counter_only(data: Data) -> None:
        data["channels"] = ["web", "counter"]
        data["maturity"] = "interactive"

    comparison = compare_versions(variant(base, at_the_counter_only), variant(base, unchanged))
    channels = comparison.measure("channels")
    assert (channels.before, channels.after, channels.verdict) == (2, 4, Verdict.BETTER)
    assert [item.key for item in channels.added] == ["mobile", "kiosk"]
    maturity = comparison.measure("maturity")
    assert (maturity.change, maturity.verdict) == (1, Verdict.BETTER)
    with translation.override("en"):
        assert (str(maturity.before_text), str(maturity.after_text)) == ("Interactive", "Transactional")


def test_a_question_swapped_for_another_is_changed_not_the_same(base: Data) -> None:
    def renamed(data: Data) -> None:
        data["sections"][0]["fields"][0]["key"] = "old_passport_no"

    fields = compare_versions(variant(base, unchanged), variant(base, renamed)).measure("fields")
    assert (fields.change, fields.verdict) == (0, Verdict.CHANGED)
    assert [item.key for item in fields.added] == ["old_passport_no"]
    assert [item.key for item in fields.removed] == ["passport_no"]


def test_a_question_made_optional_is_one_required_fewer_but_as_many_in_all(base: Data) -> None:
    def optional_phone(data: Data) -> None:
        for section in data["sections"]:
            for field in section["fields"]:
                if field["key"] == "contact_phone":
                    field["required"] = False

    comparison = compare_versions(variant(base, unchanged), variant(base, optional_phone))
    assert comparison.measure("required_fields").change == -1
    assert [item.key for item in comparison.measure("required_fields").removed] == ["contact_phone"]
    assert comparison.measure("fields").verdict == Verdict.SAME


def test_labels_and_verdicts_read_in_both_languages(base: Data) -> None:
    comparison = compare_versions(variant(base, with_a_copy_of_the_id_card), variant(base, unchanged))
    documents = comparison.measure("required_documents")
    assert documents.label.en == "Required documents"
    assert documents.verdict_label.en == "better"
    assert documents.label.ar and documents.verdict_label.ar
