"""Field types: what each accepts, what it keeps, and what it refuses (in Arabic and English)."""

from __future__ import annotations

import calendar
import contextlib
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tahawul.core.digits import ascii_digits
from tahawul.core.money import format_dinars, parse_dinars
from tahawul.core.text import LocalizedText
from tahawul.definitions.fields import FIELD_TYPES, AnswerError, Clock, FieldBase, FieldDefinition
from tahawul.definitions.fields.dates import resolve_bound

TODAY = date(2026, 2, 28)
CLOCK = Clock(TODAY)
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_adapter: TypeAdapter[Any] = TypeAdapter(FieldDefinition)


def make(type_: str, **settings_: object) -> FieldBase:
    field = _adapter.validate_python(
        {"key": "answer", "type": type_, "label": {"ar": "السؤال", "en": "The question"}, **settings_}
    )
    assert isinstance(field, FIELD_TYPES[type_])
    return field


def choices(*values: str) -> list[dict[str, object]]:
    return [{"value": value, "label": {"ar": f"خيار {value}", "en": f"Option {value}"}} for value in values]


def arabic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", ARABIC_DIGITS))


def refuse(field: FieldBase, raw: object, clock: Clock = CLOCK) -> AnswerError:
    """Clean ``raw`` expecting a refusal, and check the message exists in both languages."""
    with pytest.raises(AnswerError) as caught:
        field.clean(raw, clock)
    message = caught.value.localized()
    assert isinstance(message, LocalizedText)
    assert message.ar.strip()
    assert message.en.strip()
    assert "%(" not in message.en  # placeholders were filled in
    assert "%(" not in message.ar
    return caught.value


def english(error: AnswerError) -> str:
    return error.localized().en


def test_every_documented_type_is_registered() -> None:
    assert set(FIELD_TYPES) == {
        "text",
        "textarea",
        "email",
        "number",
        "decimal",
        "money",
        "date",
        "boolean",
        "choice",
        "multi_choice",
        "phone",
        "national_id",
        "address",
        "file",
    }


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  hello   world  ", "hello world"),
        ("line\none\ttwo", "line one two"),
        ("رقم ١٢٣", "رقم 123"),
        ("۱۲۳", "123"),  # Persian digits too
        (123, "123"),
    ],
)
def test_text_is_trimmed_with_digits_read(raw: object, cleaned: str) -> None:
    assert make("text").clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize("raw", [True, False, 1.5, ["a"], {"a": "b"}, Decimal("1")])
def test_text_refuses_what_is_not_text(raw: object) -> None:
    refuse(make("text"), raw)


def test_text_lengths() -> None:
    field = make("text", min_length=3, max_length=5)
    assert field.clean(" abc ", CLOCK) == "abc"
    assert field.clean("abcde", CLOCK) == "abcde"
    assert "3" in english(refuse(field, "ab"))
    assert "5" in english(refuse(field, "abcdef"))
    assert make("text").clean("x" * 200, CLOCK) == "x" * 200
    refuse(make("text"), "x" * 201)  # the default maximum


def test_text_pattern_uses_the_designers_message() -> None:
    message = {"ar": "من ٦ إلى ٩ حروف لاتينية كبيرة أو أرقام.", "en": "6 to 9 capital letters or digits."}
    field = make("text", pattern="^[A-Z0-9]{6,9}$", pattern_message=message)
    assert field.clean(" AB١٢٣٤ ", CLOCK) == "AB1234"
    error = refuse(field, "ab1234")
    assert error.localized() == LocalizedText(**message)
    refuse(field, "AB 1234")  # the whole answer must match


def test_textarea_keeps_lines_and_normalises_line_endings() -> None:
    field = make("textarea", max_length=10)
    assert field.clean("  a\r\nb\n\nc  ", CLOCK) == "a\nb\n\nc"
    assert "10" in english(refuse(field, "x" * 11))
    assert make("textarea").clean("x" * 2000, CLOCK) == "x" * 2000
    refuse(make("textarea"), "x" * 2001)
    refuse(make("textarea", min_length=2), "x")
    refuse(make("textarea"), ["a"])


def test_textarea_cleaning_is_idempotent_for_stray_carriage_returns() -> None:
    field = make("textarea")
    once = field.clean("a\r\r\nb", CLOCK)
    assert "\r\n" not in once
    assert field.clean(once, CLOCK) == once


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("name@example.com", "name@example.com"),
        ("  Name.Surname@Example.COM ", "Name.Surname@example.com"),  # the domain is lower-cased, not the name
        ("a+b@sub.example.bh", "a+b@sub.example.bh"),
    ],
)
def test_email_accepts(raw: str, cleaned: str) -> None:
    assert make("email").clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize("raw", ["name", "name@", "@example.com", "name example.com", "a@b@c", "a@b", 5, ["a@b.com"]])
def test_email_refuses(raw: object) -> None:
    refuse(make("email"), raw)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("42", 42),
        (" ٤٢ ", 42),
        ("-7", -7),
        ("+7", 7),
        ("1,000", 1000),
        ("١٬٠٠٠", 1000),
        ("1 000 000", 1_000_000),
        (5, 5),
        ("007", 7),
    ],
)
def test_number_accepts(raw: object, cleaned: int) -> None:
    value = make("number").clean(raw, CLOCK)
    assert value == cleaned
    assert type(value) is int


@pytest.mark.parametrize("raw", ["4.5", "abc", "1e3", "", "-", "1" * 16, True, ["1"], 4.0, "٤٫٥"])
def test_number_refuses(raw: object) -> None:
    refuse(make("number"), raw)


def test_number_range() -> None:
    field = make("number", min=1, max=10)
    assert field.clean("1", CLOCK) == 1
    assert field.clean("10", CLOCK) == 10
    assert "1" in english(refuse(field, "0"))
    assert "10" in english(refuse(field, "11"))


@pytest.mark.parametrize(
    ("raw", "places", "cleaned"),
    [
        ("2.5", 2, "2.50"),
        ("٢٫٥", 2, "2.50"),
        ("2", 2, "2.00"),
        ("-0.25", 2, "-0.25"),
        ("1,234.5", 1, "1234.5"),
        ("3", 0, "3"),
        ("0.123456", 6, "0.123456"),
        (7, 2, "7.00"),
    ],
)
def test_decimal_accepts(raw: object, places: int, cleaned: str) -> None:
    assert make("decimal", decimal_places=places).clean(raw, CLOCK) == cleaned


def test_decimal_places_and_range() -> None:
    field = make("decimal", min="0.5", max="10")
    assert "2" in english(refuse(field, "2.555"))  # default: two places
    assert "0.5" in english(refuse(field, "0.49"))
    assert "10" in english(refuse(field, "10.01"))
    assert field.clean("10", CLOCK) == "10.00"
    refuse(make("decimal", decimal_places=0), "2.5")
    for raw in ("1e3", "abc", "1.2.3", ".5", True, [1]):
        refuse(field, raw)


def test_decimal_condition_value_is_a_number() -> None:
    field = make("decimal")
    assert field.condition_value(field.clean("2.5", CLOCK)) == Decimal("2.5")


def test_decimal_limits_must_be_quoted() -> None:
    with pytest.raises(ValidationError):
        make("decimal", min=0.5)


@pytest.mark.parametrize(
    ("raw", "fils"),
    [
        ("12.5", 12500),
        ("12", 12000),
        ("12.500", 12500),
        ("0.005", 5),
        ("١٢٫٥", 12500),
        ("١٢.٥٠٠", 12500),
        ("1,250.750", 1250750),
        ("١٬٠٠٠", 1_000_000),
        (" 3 ", 3000),
        (3, 3000),
        (12.5, 12500),
    ],
)
def test_money_is_kept_as_fils(raw: object, fils: int) -> None:
    value = make("money").clean(raw, CLOCK)
    assert value == fils
    assert type(value) is int


@pytest.mark.parametrize("raw", ["12.5000", "-1", "abc", "12.", ".5", "1e3", "1234567890", True, [12]])
def test_money_refuses(raw: object) -> None:
    error = refuse(make("money"), raw)
    if isinstance(raw, str):
        assert "12.500" in english(error)


@pytest.mark.parametrize(
    ("type_", "raw"),
    [("money", "12,5"), ("money", "١٢٬٥"), ("money", "1,00"), ("number", "1,2,3"), ("decimal", "12,5")],
)
def test_misplaced_thousands_separators_are_refused(type_: str, raw: str) -> None:
    # A decimal comma must never be read as a thousands separator (12,5 as 125): it is refused.
    with pytest.raises(AnswerError):
        make(type_).clean(raw, CLOCK)


def test_money_range_is_written_in_dinars() -> None:
    field = make("money", min="1", max="100.250")
    assert field.min == 1000
    assert field.max == 100250
    assert field.clean("1", CLOCK) == 1000
    assert field.clean("100.25", CLOCK) == 100250
    assert "1.000" in english(refuse(field, "0.999"))
    assert "100.250" in english(refuse(field, "100.251"))


def test_money_condition_value_is_dinars() -> None:
    assert make("money").condition_value(12500) == Decimal("12.5")


def test_money_limits_must_be_quoted_dinars() -> None:
    for bad in (12.0, "12.0001", "-1", True):
        with pytest.raises(ValidationError):
            make("money", min=bad)


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("2026-01-31", "2026-01-31"),
        (" 2026-01-31 ", "2026-01-31"),
        (arabic("2026-01-31"), "2026-01-31"),
        (date(2024, 2, 29), "2024-02-29"),
    ],
)
def test_date_accepts(raw: object, cleaned: str) -> None:
    assert make("date").clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize("raw", ["2026-02-29", "2026-13-01", "31/01/2026", "tomorrow", 20260131, ["2026-01-31"]])
def test_date_refuses(raw: object) -> None:
    refuse(make("date"), raw)


def test_date_bounds_relative_to_today() -> None:
    # An expiry date no more than five years ago.
    recent = make("date", min="today-5y")
    assert recent.clean("2021-02-28", CLOCK) == "2021-02-28"
    assert "2021-02-28" in english(refuse(recent, "2021-02-27"))
    # Born at least eighteen years ago.
    adult = make("date", max="today-18y")
    assert adult.clean("2008-02-28", CLOCK) == "2008-02-28"
    assert "2008-02-28" in english(refuse(adult, "2008-02-29"))
    # Within the next thirty days.
    soon = make("date", min="today", max="today+30d")
    assert soon.clean("2026-02-28", CLOCK) == "2026-02-28"
    assert soon.clean("2026-03-30", CLOCK) == "2026-03-30"
    refuse(soon, "2026-02-27")
    refuse(soon, "2026-03-31")
    # The same field on another day.
    assert soon.clean("2026-03-31", Clock(date(2026, 3, 1))) == "2026-03-31"


def test_date_fixed_bounds() -> None:
    field = make("date", min="2020-01-01", max="2020-12-31")
    assert field.clean("2020-06-15", CLOCK) == "2020-06-15"
    assert "2020-01-01" in english(refuse(field, "2019-12-31"))
    assert "2020-12-31" in english(refuse(field, "2021-01-01"))


@pytest.mark.parametrize(
    ("bound", "today", "resolved"),
    [
        ("today", date(2026, 2, 28), date(2026, 2, 28)),
        ("2020-01-31", date(2026, 2, 28), date(2020, 1, 31)),
        ("today-18y", date(2026, 2, 28), date(2008, 2, 28)),
        ("today-18y", date(2024, 2, 29), date(2006, 2, 28)),  # no 29 February in 2006
        ("today+4y", date(2024, 2, 29), date(2028, 2, 29)),
        ("today+1m", date(2026, 1, 31), date(2026, 2, 28)),  # month ends are clamped
        ("today+1m", date(2024, 1, 31), date(2024, 2, 29)),
        ("today-1m", date(2026, 3, 31), date(2026, 2, 28)),
        ("today+1m", date(2026, 3, 31), date(2026, 4, 30)),
        ("today+6m", date(2026, 8, 31), date(2027, 2, 28)),
        ("today+13m", date(2026, 12, 31), date(2028, 1, 31)),
        ("today-12m", date(2026, 1, 15), date(2025, 1, 15)),
        ("today-1m", date(2026, 1, 10), date(2025, 12, 10)),
        ("today+30d", date(2026, 2, 28), date(2026, 3, 30)),
        ("today-1d", date(2026, 3, 1), date(2026, 2, 28)),
        ("today+0d", date(2026, 3, 1), date(2026, 3, 1)),
        ("today+999d", date(2026, 1, 1), date(2028, 9, 26)),
    ],
)
def test_resolve_bound(bound: str, today: date, resolved: date) -> None:
    assert resolve_bound(bound, today) == resolved


@pytest.mark.parametrize(
    "bound", ["yesterday", "today-18", "today-1w", "today - 1y", "2026-02-30", "26-01-01", "today+1000d"]
)
def test_date_bound_settings_are_checked(bound: str) -> None:
    with pytest.raises(ValidationError):
        make("date", min=bound)


@pytest.mark.parametrize("settings_", [{}, {"max": "today-18y"}], ids=["no-bounds", "bounded"])
def test_date_given_a_datetime_keeps_the_date_or_refuses(settings_: dict[str, str]) -> None:
    field = make("date", **settings_)
    with contextlib.suppress(AnswerError):  # refusing is fine too
        assert field.clean(datetime(2000, 1, 1, 10, 0), CLOCK) == "2000-01-01"


# --- choices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        (False, False),
        ("yes", True),
        (" No ", False),
        ("نعم", True),
        ("لا", False),
        ("1", True),
        ("0", False),
        ("on", True),
        ("OFF", False),
        ("true", True),
        ("FALSE", False),
    ],
)
def test_boolean_accepts(raw: object, value: bool) -> None:
    assert make("boolean").clean(raw, CLOCK) is value


@pytest.mark.parametrize("raw", ["maybe", 1, 0, ["yes"], "y"])
def test_boolean_refuses(raw: object) -> None:
    refuse(make("boolean"), raw)


def test_boolean_must_be_true() -> None:
    field = make("boolean", must_be_true=True)
    assert field.clean(True, CLOCK) is True
    assert field.clean("نعم", CLOCK) is True
    refuse(field, False)
    refuse(field, "no")


def test_choice() -> None:
    field = make("choice", choices=choices("muharraq", "isa_town"))
    assert field.clean(" isa_town ", CLOCK) == "isa_town"
    for raw in ("riffa", "Muharraq", ["muharraq"], 1, True):
        refuse(field, raw)


def test_choice_values_must_be_unique() -> None:
    field = make("choice", choices=choices("a", "a"))
    assert [problem.path for problem in field.problems()] == [("choices", 1, "value")]


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (["c", "a"], ["a", "c"]),  # the definition's order
        (["b", "a", "b", " a "], ["a", "b"]),  # without repeats
        ("b", ["b"]),  # one value alone
        (("c",), ["c"]),
    ],
)
def test_multi_choice_accepts(raw: object, cleaned: list[str]) -> None:
    field = make("multi_choice", choices=choices("a", "b", "c"))
    assert field.clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize("raw", [["a", "x"], "x", [1], ["a", None], {"a": True}, 1])
def test_multi_choice_refuses(raw: object) -> None:
    refuse(make("multi_choice", choices=choices("a", "b", "c")), raw)


def test_multi_choice_counts() -> None:
    field = make("multi_choice", choices=choices("a", "b", "c"), min_items=2, max_items=2)
    assert field.clean(["b", "a"], CLOCK) == ["a", "b"]
    assert "2" in english(refuse(field, ["a"]))
    assert "2" in english(refuse(field, ["a", "a"]))  # repeats count once
    assert "2" in english(refuse(field, ["a", "b", "c"]))
    one = make("multi_choice", choices=choices("a", "b"), max_items=1)
    refuse(one, ["a", "b"])


def test_multi_choice_condition_value_is_a_tuple() -> None:
    assert make("multi_choice", choices=choices("a")).condition_value(["a"]) == ("a",)


def test_multi_choice_setting_problems() -> None:
    field = make("multi_choice", choices=choices("a", "b"), min_items=3, max_items=2)
    assert [problem.path for problem in field.problems()] == [("min_items",), ("min_items",)]


# --- phone --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("33123456", "+97333123456"),
        ("3312 3456", "+97333123456"),
        ("+973 3312 3456", "+97333123456"),
        ("00973 3312-3456", "+97333123456"),
        ("(+973) 1700.0000", "+97317000000"),
        ("٣٣١٢ ٣٤٥٦", "+97333123456"),
        ("+٩٧٣٦٦٠٠٠٠٠٠", "+97366000000"),
        (33123456, "+97333123456"),
        ("80008000", "+97380008000"),
        ("+44 20 7946 0000", "+442079460000"),
        ("0044 20 7946 0000", "+442079460000"),
        ("+1 (202) 555-0100", "+12025550100"),
    ],
)
def test_phone_accepts(raw: object, cleaned: str) -> None:
    assert make("phone").clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize(
    "raw",
    [
        "23123456",  # Bahraini numbers do not begin with 2
        "3312345",  # seven digits
        "331234567",  # nine digits, no country code
        "+973 3312345",
        "+973 331234567",
        "+973 2312 3456",
        "+0 123 4567",
        "+1234567890123456",  # more than fifteen digits
        "+12345",
        "phone",
        "",
        "+",
        True,
        33123456.0,
        ["33123456"],
    ],
)
def test_phone_refuses(raw: object) -> None:
    refuse(make("phone"), raw)


def test_phone_bahraini_only() -> None:
    field = make("phone", international=False)
    assert field.clean("33123456", CLOCK) == "+97333123456"
    assert field.clean("+973 1700 0000", CLOCK) == "+97317000000"
    for raw in ("+44 20 7946 0000", "0044 20 7946 0000", "+1 202 555 0100"):
        assert "973" in english(refuse(field, raw))


# --- national id (CPR) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("850112345", "850112345"),
        (" 8501-1234 5 ", "850112345"),
        (arabic("850112345"), "850112345"),
        (850112345, "850112345"),
        ("001212345", "001212345"),  # born in December 2000
        ("990100001", "990100001"),
    ],
)
def test_national_id_accepts(raw: object, cleaned: str) -> None:
    assert make("national_id").clean(raw, CLOCK) == cleaned


@pytest.mark.parametrize("raw", ["85011234", "8501123456", "85011234X", "CPR", "", "٨٥٠١١٢٣٤", 1212345])
def test_national_id_refuses_what_is_not_nine_digits(raw: object) -> None:
    assert "9" in english(refuse(make("national_id"), raw))


@pytest.mark.parametrize("raw", [True, ["850112345"], 850112345.0, {"cpr": "850112345"}])
def test_national_id_refuses_what_is_not_text(raw: object) -> None:
    refuse(make("national_id"), raw)


@pytest.mark.parametrize("raw", ["850012345", "851312345", "859912345"])
def test_national_id_month_is_checked(raw: str) -> None:
    error = refuse(make("national_id"), raw)
    assert "not a valid" in english(error)


# --- address ------------------------------------------------------------------------------------


def test_address_parts_are_cleaned() -> None:
    field = make("address")
    raw = {"flat": " 12a ", "building": "١٢٣٤b", "road": "56", "block": "٣٠٥", "area": "  Juffair   North "}
    assert field.clean(raw, CLOCK) == {
        "flat": "12A",
        "building": "1234B",
        "road": "56",
        "block": "305",
        "area": "Juffair North",
    }


def test_address_optional_parts_may_be_left_out() -> None:
    field = make("address")
    assert field.clean({"building": 12, "road": 3, "block": 305}, CLOCK) == {
        "building": "12",
        "road": "3",
        "block": "305",
    }
    assert field.clean({"flat": "", "building": "1", "road": "1", "block": "101", "area": None}, CLOCK) == {
        "building": "1",
        "road": "1",
        "block": "101",
    }


@pytest.mark.parametrize(
    ("raw", "part"),
    [
        ({"road": "1", "block": "101"}, "building"),
        ({"building": " ", "road": "1", "block": "101"}, "building"),
        ({"building": "12345", "road": "1", "block": "101"}, "building"),
        ({"building": "12AB", "road": "1", "block": "101"}, "building"),
        ({"building": "1", "block": "101"}, "road"),
        ({"building": "1", "road": "12345", "block": "101"}, "road"),
        ({"building": "1", "road": "1A", "block": "101"}, "road"),
        ({"building": "1", "road": "1"}, "block"),
        ({"building": "1", "road": "1", "block": "12"}, "block"),
        ({"building": "1", "road": "1", "block": "12345"}, "block"),
        ({"flat": "1234567", "building": "1", "road": "1", "block": "101"}, "flat"),
        ({"flat": "1-2", "building": "1", "road": "1", "block": "101"}, "flat"),
        ({"building": "1", "road": "1", "block": "101", "area": "x" * 101}, "area"),
    ],
)
def test_address_errors_name_the_part(raw: dict[str, object], part: str) -> None:
    assert refuse(make("address"), raw).part == part


@pytest.mark.parametrize(
    "raw",
    ["Road 12, Block 305", ["1", "1", "101"], {"building": "1", "road": "1", "block": "101", "street": "x"}],
)
def test_address_refuses_other_shapes_as_a_whole(raw: object) -> None:
    assert refuse(make("address"), raw).part is None


@pytest.mark.parametrize(
    ("raw", "blank"),
    [
        ({}, True),
        ({"flat": "", "area": "  "}, True),
        ({"building": None}, True),
        (None, True),
        ({"building": "1"}, False),
        ({"area": "Sitra"}, False),
        ("x", False),
    ],
)
def test_address_blank(raw: object, blank: bool) -> None:
    assert make("address").is_blank(raw) is blank


# --- file ---------------------------------------------------------------------------------------


def test_file_reference() -> None:
    field = make("file", types=["application/pdf"], max_mb=2)
    assert field.clean("abcd1234", CLOCK) == "abcd1234"
    assert field.clean(" abcd_1234-XYZ ", CLOCK) == "abcd_1234-XYZ"
    for raw in ("short", "../../etc/passwd", "a" * 65, 12345678, {"id": "abcd1234"}):
        refuse(field, raw)


# --- blanks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "blank"), [(None, True), ("", True), ("  ", True), ([], True), (False, False), (0, False)]
)
def test_blank_answers(raw: object, blank: bool) -> None:
    assert make("boolean").is_blank(raw) is blank


# --- properties ---------------------------------------------------------------------------------

FIELDS = {
    "text": make("text"),
    "text_pattern": make(
        "text", pattern="^[A-Z0-9]{6,9}$", pattern_message={"ar": "حروف وأرقام", "en": "Letters and digits"}
    ),
    "textarea": make("textarea"),
    "email": make("email"),
    "number": make("number", min=-5, max=5000),
    "decimal": make("decimal", decimal_places=3, min="-1", max="100"),
    "money": make("money", min="0.100", max="1000"),
    "date": make("date", min="today-100y", max="today+1y"),
    "boolean": make("boolean"),
    "choice": make("choice", choices=choices("a", "b")),
    "multi_choice": make("multi_choice", choices=choices("a", "b", "c"), min_items=1, max_items=2),
    "phone": make("phone"),
    "phone_bahraini": make("phone", international=False),
    "national_id": make("national_id"),
    "address": make("address"),
    "file": make("file"),
}

# Text people type: ASCII, Arabic letters and digits, separators.
typed_text = st.text(
    st.one_of(
        st.characters(codec="ascii"),
        st.sampled_from([*ARABIC_DIGITS, "٫", "٬", "۱", "ن", "ع", "م", "\u00a0", "\u200f", "\r", "\n"]),
    ),
    max_size=25,
)
any_text = st.one_of(typed_text, st.text(max_size=25))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(), any_text, st.dates().map(str)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["flat", "building", "road", "block", "area", "x"]) | any_text, children),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(FIELDS)), json_values)
def test_cleaning_returns_a_value_or_raises_answer_error(name: str, raw: object) -> None:
    field = FIELDS[name]
    try:
        field.clean(raw, CLOCK)
    except AnswerError as error:
        message = error.localized()
        assert message.ar
        assert message.en


def _clean_or_none(field: FieldBase, raw: object) -> object:
    try:
        return field.clean(raw, CLOCK)
    except AnswerError:
        return None


@pytest.mark.parametrize("name", ["number", "money", "phone", "phone_bahraini", "national_id", "text", "decimal"])
@settings(max_examples=150, deadline=None)
@given(raw=any_text)
def test_cleaning_text_never_raises_anything_else(name: str, raw: str) -> None:
    _clean_or_none(FIELDS[name], raw)


def digit_strings(alphabet: str, *, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Digits as people type them: ASCII or Arabic-Indic, with spaces and hyphens here and there."""
    digit = st.sampled_from(alphabet)
    return st.lists(
        st.tuples(digit, st.sampled_from(["", "", "", " ", "-"])), min_size=min_size, max_size=max_size
    ).map(lambda pairs: "".join(d + sep for d, sep in pairs).strip(" -"))


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, st.from_regex(r"[ ]*[a-z0-9٠-٩ ]{0,20}[ ]*", fullmatch=True)))
def test_text_cleaning_is_idempotent(raw: str) -> None:
    field = FIELDS["text"]
    once = _clean_or_none(field, raw)
    if once is not None:
        assert field.clean(once, CLOCK) == once
        assert once == once.strip()
        assert "  " not in once


phone_inputs = st.one_of(
    any_text,
    st.builds(
        "{}{}".format,
        st.sampled_from(["", "+973", "00973", "+973 ", "+44", "+1 ", "+"]),
        digit_strings("0123456789" + ARABIC_DIGITS, min_size=6, max_size=16),
    ),
)


@pytest.mark.parametrize("name", ["phone", "phone_bahraini"])
@settings(max_examples=200, deadline=None)
@given(raw=phone_inputs)
def test_phone_cleaning_is_idempotent_and_normalised(name: str, raw: str) -> None:
    field = FIELDS[name]
    once = _clean_or_none(field, raw)
    if once is not None:
        assert isinstance(once, str)
        assert field.clean(once, CLOCK) == once
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", ascii_digits(once))
        if name == "phone_bahraini" or once.startswith("+973"):
            assert re.fullmatch(r"\+973[13678][0-9]{7}", ascii_digits(once))


cpr_inputs = st.one_of(any_text, digit_strings("0123456789" + ARABIC_DIGITS, min_size=8, max_size=10))


@settings(max_examples=200, deadline=None)
@given(cpr_inputs)
def test_national_id_cleaning_is_idempotent(raw: str) -> None:
    field = FIELDS["national_id"]
    once = _clean_or_none(field, raw)
    if once is not None:
        assert isinstance(once, str)
        assert field.clean(once, CLOCK) == once
        assert len(once) == 9
        assert 1 <= int(once[2:4]) <= 12


money_inputs = st.one_of(
    any_text,
    st.from_regex(r"[0-9٠-٩]{1,9}([.٫][0-9٠-٩]{1,4})?", fullmatch=True),
    st.integers(min_value=0, max_value=10**9),
)


@settings(max_examples=200, deadline=None)
@given(money_inputs)
def test_money_cleaning_is_idempotent_through_dinars(raw: object) -> None:
    field = make("money")
    once = _clean_or_none(field, raw)
    if once is not None:
        assert isinstance(once, int)
        assert once >= 0
        written = format_dinars(once)
        assert parse_dinars(written) == once
        assert field.clean(written, CLOCK) == once


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_format_and_parse_dinars_round_trip(fils: int) -> None:
    assert parse_dinars(format_dinars(fils)) == fils
    assert re.fullmatch(r"\d+\.\d{3}", format_dinars(fils))


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, st.dates().map(date.isoformat), st.dates().map(lambda day: arabic(day.isoformat()))))
def test_date_cleaning_is_idempotent(raw: str) -> None:
    field = make("date")
    once = _clean_or_none(field, raw)
    if once is not None:
        assert isinstance(once, str)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", once)
        assert field.clean(once, CLOCK) == once


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_bounded_date_accepts_exactly_the_days_between(day: date) -> None:
    field = FIELDS["date"]
    earliest = resolve_bound("today-100y", TODAY)
    latest = resolve_bound("today+1y", TODAY)
    accepted = _clean_or_none(field, day.isoformat()) is not None
    assert accepted == (earliest <= day <= latest)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from("dmy"),
)
def test_resolved_bounds_move_the_right_way(today: date, count: int, unit: str) -> None:
    later = resolve_bound(f"today+{count}{unit}", today)
    earlier = resolve_bound(f"today-{count}{unit}", today)
    assert earlier <= today <= later
    if unit == "d":
        assert (later - today).days == count
        assert (today - earlier).days == count
        return
    months = count * (12 if unit == "y" else 1)
    for moved, sign in ((later, 1), (earlier, -1)):
        assert (moved.year * 12 + moved.month) - (today.year * 12 + today.month) == sign * months
        # The same day of the month, or the last day of a shorter month.
        assert moved.day == min(today.day, calendar.monthrange(moved.year, moved.month)[1])


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            part: st.one_of(st.none(), typed_text, st.integers(min_value=0, max_value=99999))
            for part in ("flat", "building", "road", "block", "area")
        },
    )
)
def test_address_cleaning_is_idempotent(raw: dict[str, object]) -> None:
    field = FIELDS["address"]
    once = _clean_or_none(field, raw)
    if once is not None:
        assert isinstance(once, dict)
        assert field.clean(once, CLOCK) == once
        assert {"building", "road", "block"} <= set(once)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("phone", "3312३४५६"),  # Devanagari digits
        ("national_id", "8501२३४५६"),
        ("address", {"building": "१२", "road": "1", "block": "305"}),
    ],
    ids=["phone", "national_id", "address"],
)
def test_cleaned_identifiers_hold_only_ascii_digits(name: str, raw: object) -> None:
    once = _clean_or_none(FIELDS[name], raw)
    text = once if isinstance(once, str) else "".join(once.values()) if isinstance(once, dict) else ""
    assert text.isascii()
