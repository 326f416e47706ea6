"""A designer's mistakes: each gets its own clear message, located by line and path."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from tahawul.definitions.actions import definition_files, validate_paths
from tahawul.definitions.validation import validate_text
from tests.conftest import DEMO_SERVICES


def messages(text: str, language: str = "en") -> list[str]:
    with translation.override(language):
        return [str(problem) for problem in validate_text(text, file="service.yaml").problems]


def test_the_documented_example_is_valid(example_yaml: str) -> None:
    result = validate_text(example_yaml)
    assert result.problems == []
    assert result.definition is not None
    assert result.definition.code == "NPRA-PASSPORT-RENEW"


@pytest.mark.django_db
def test_every_demo_definition_passes_the_validator() -> None:
    results = validate_paths([DEMO_SERVICES])
    assert len(results) >= 110
    assert [str(problem) for result in results for problem in result.problems] == []


def test_demo_covers_about_eighteen_entities() -> None:
    entities = {path.parent.name for path in definition_files([DEMO_SERVICES])}
    assert len(entities) == 18


def test_a_yaml_syntax_error_names_its_line(example_yaml: str) -> None:
    broken = example_yaml.replace("maturity: transactional", "maturity: [transactional")
    found = messages(broken)
    assert len(found) == 1
    assert found[0].startswith("service.yaml:")
    assert "not valid YAML" in found[0]


def test_an_unknown_field_type_lists_the_known_ones(example_yaml: str) -> None:
    broken = example_yaml.replace("type: date", "type: datetime", 1)
    (found,) = messages(broken)
    line = broken.splitlines().index("        type: datetime") + 1
    assert found == (
        f"service.yaml:{line}: sections[0].fields[1].type: unknown field type 'datetime'; the types are: "
        "address, boolean, choice, date, decimal, email, file, money, multi_choice, national_id, number, phone, "
        "text, textarea"
    )


def test_a_repeated_key_is_an_error_not_silently_the_last_one(example_yaml: str) -> None:
    broken = example_yaml.replace("maturity: transactional", "maturity: transactional\nmaturity: informational")
    found = messages(broken)
    assert any("maturity: the key 'maturity' appears twice (first on line" in message for message in found)


def test_a_transition_to_an_unknown_state_lists_the_states(example_yaml: str) -> None:
    broken = example_yaml.replace("{from: submitted, to: in_review", "{from: submitted, to: in_reveiw")
    found = messages(broken)
    assert any(
        "workflow.transitions[0].to: unknown state 'in_reveiw'; the states are: submitted, in_review" in message
        for message in found
    )


def test_an_unreachable_state_is_named(example_yaml: str) -> None:
    broken = example_yaml.replace(
        "    rejected:         {label:",
        "    archived: {label: {ar: مؤرشف, en: Archived}, final: true, outcome: closed}\n    rejected:         {label:",
    )
    found = messages(broken)
    assert any("workflow.states.archived: the state 'archived' cannot be reached from 'submitted'" in m for m in found)


def test_a_label_missing_one_language_says_which(example_yaml: str) -> None:
    broken = example_yaml.replace("name: {ar: تجديد جواز السفر, en: Passport renewal}", "name: {ar: تجديد جواز السفر}")
    (found,) = messages(broken)
    line = broken.splitlines().index("name: {ar: تجديد جواز السفر}") + 1
    assert found == f"service.yaml:{line}: name.en: English text is missing"


def test_show_if_naming_an_unknown_field(example_yaml: str) -> None:
    broken = example_yaml.replace("show_if: urgent == true", "show_if: urgentt == true")
    (found,) = messages(broken)
    assert found.endswith("sections[0].fields[3].show_if: 'urgentt' is not a field of this service")


def test_show_if_comparing_a_choice_with_a_value_it_does_not_have(example_yaml: str) -> None:
    broken = example_yaml.replace(
        "        show_if: urgent == true", "        show_if: urgent == true and collection_point == 'manama'"
    )
    (found,) = messages(broken)
    assert "'manama' is not one of the choices of 'collection_point': muharraq, isa_town" in found


def test_show_if_conditions_in_a_circle(example_yaml: str) -> None:
    broken = example_yaml.replace(
        "        type: boolean\n        label: {ar: هل تحتاج",
        "        type: boolean\n        show_if: urgency_reason == 'x'\n        label: {ar: هل تحتاج",
    )
    found = messages(broken)
    assert any("depend on each other in a circle: urgency_reason → urgent → urgency_reason" in m for m in found) or any(
        "depend on each other in a circle: urgent → urgency_reason → urgent" in m for m in found
    )


def test_a_float_amount_is_refused_because_it_loses_fils(example_yaml: str) -> None:
    broken = example_yaml.replace('amount: "12.000"', "amount: 12.0")
    (found,) = messages(broken)
    assert 'fee.amount: write amounts as quoted strings in dinars with up to 3 decimals, like "12.500"' in found


def test_an_unparseable_condition_points_at_the_character(example_yaml: str) -> None:
    broken = example_yaml.replace("show_if: urgent == true", "show_if: urgent ==")
    (found,) = messages(broken)
    assert "cannot read the condition at character 10: expected a value or a name, found the end" in found


def test_problems_are_reported_all_at_once_and_in_file_order(example_yaml: str) -> None:
    broken = example_yaml.replace("name: {ar: تجديد جواز السفر, en: Passport renewal}", "name: {ar: تجديد جواز السفر}")
    broken = broken.replace("{from: submitted, to: in_review", "{from: submitted, to: nowhere")
    result = validate_text(broken, file="service.yaml")
    lines = [problem.line or 0 for problem in result.problems]
    assert len(result.problems) >= 2
    assert lines == sorted(lines)
    assert result.definition is None


def test_messages_are_available_in_arabic(example_yaml: str) -> None:
    broken = example_yaml.replace("name: {ar: تجديد جواز السفر, en: Passport renewal}", "name: {ar: تجديد جواز السفر}")
    (found,) = messages(broken, language="ar")
    assert "English text is missing" not in found
    assert "name.en" in found


def test_an_empty_file_and_a_list_are_refused() -> None:
    assert messages("") == ["service.yaml:1: (document): the file is empty"]
    assert messages("- a\n- b\n") == ["service.yaml:1: (document): a service definition is a mapping of keys to values"]


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    from tahawul.definitions.validation import validate_file

    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9".encode("latin-1"))
    with translation.override("en"):
        result = validate_file(path)
        assert [problem.text for problem in result.problems] == ["the file is not UTF-8 text"]
