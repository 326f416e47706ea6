"""References people read out on the phone and type back: a fixed, unambiguous form, 60 random
bits, and forgiving reading of what was typed."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tahawul.core.references import ALPHABET, PATTERN, new_reference, normalise_reference

body_characters = st.sampled_from(ALPHABET)
references = st.lists(body_characters, min_size=12, max_size=12).map(
    lambda chars: f"TH-{''.join(chars[:4])}-{''.join(chars[4:8])}-{''.join(chars[8:])}"
)


def test_the_form_of_a_reference() -> None:
    reference = new_reference()
    assert PATTERN.match(reference)
    assert reference.startswith("TH-") and len(reference) == 17
    assert set(reference.replace("-", "")[2:]) <= set(ALPHABET)
    assert new_reference("CE").startswith("CE-")


def test_the_alphabet_has_nothing_to_misread() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_sixty_random_bits() -> None:
    assert 12 * math.log2(len(ALPHABET)) == 60
    samples = [new_reference().replace("-", "")[2:] for _ in range(10_000)]
    assert len(set(samples)) == len(samples)
    # Every character of the alphabet turns up in every position: no position is fixed or skewed
    # to a few characters (expected 312 of each; missing one by chance is below 1e-130).
    for position in range(12):
        counts = Counter(sample[position] for sample in samples)
        assert set(counts) == set(ALPHABET), position
        assert max(counts.values()) < 3 * min(counts.values()), position


@pytest.mark.parametrize(
    "typed",
    [
        "TH-7K3M-9QPX-2CFA",
        "th-7k3m-9qpx-2cfa",
        "TH7K3M9QPX2CFA",
        " th 7k3m 9qpx 2cfa ",
        "TH-7K3M-9QPX-2CFA\n",
        "tH-7k3m9qpx-2cfa",
    ],
)
def test_case_spaces_and_dashes_do_not_matter(typed: str) -> None:
    assert normalise_reference(typed) == "TH-7K3M-9QPX-2CFA"


@pytest.mark.parametrize(
    "typed,meant",
    [
        ("TH-7K3M-9QPX-2CFO", "TH-7K3M-9QPX-2CF0"),  # the letter O is the digit zero
        ("TH-7K3M-9QPX-2CFo", "TH-7K3M-9QPX-2CF0"),
        ("TH-IK3M-9QPX-2CFA", "TH-1K3M-9QPX-2CFA"),  # I and L are one
        ("TH-lK3M-9QPX-2CFA", "TH-1K3M-9QPX-2CFA"),
        ("TH-UK3M-9QPX-2CFA", "TH-VK3M-9QPX-2CFA"),  # U is not used; V is
    ],
)
def test_misread_letters_are_fixed(typed: str, meant: str) -> None:
    assert normalise_reference(typed) == meant


def test_what_is_not_a_reference_is_only_tidied() -> None:
    assert normalise_reference("  abc ") == "ABC"
    assert normalise_reference("") == ""


def test_arabic_indic_digits_are_read_as_digits() -> None:
    assert normalise_reference("TH-٧K٣M-٩QPX-٢CFA") == "TH-7K3M-9QPX-2CFA"


@hypothesis_settings(max_examples=300, deadline=None)
@given(reference=references, separator=st.sampled_from(["", " ", "-", "  ", " - "]), lower=st.booleans())
def test_any_reference_survives_how_people_type_it(reference: str, separator: str, lower: bool) -> None:
    typed = reference.replace("-", separator)
    typed = typed.lower() if lower else typed
    assert normalise_reference(typed) == reference


@hypothesis_settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_reference(text)
    assert normalise_reference(once) == once


@hypothesis_settings(max_examples=100, deadline=None)
@given(reference=references)
def test_a_stored_reference_is_already_normal(reference: str) -> None:
    assert PATTERN.match(reference)
    assert normalise_reference(reference) == reference
