import pytest

from tahawul.feedback.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ليش الانتظار وايد في مركز الجوازات؟", "ar"),
        ("لم يتم الرد على طلبي منذ شهر", "ar"),
        ("The app keeps crashing when I pay.", "en"),
        ("الـ OTP ما يوصلني أبداً، جربت خمس مرات", "ar"),  # a Latin word inside an Arabic comment
        ("The form rejects the word السلام in my address", "en"),
        ("مرحبا hello", ""),  # as much of one script as of the other: undecided
        ("", ""),
        ("   \n\t", ""),
        ("12345 !!! 😡😡", ""),  # no letters at all
        ("ۿ\u0640\u064b", "ar"),  # extended Arabic letters count, diacritics do not
    ],
)
def test_language_is_decided_by_the_script_of_the_letters(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_long_text_is_decided_quickly_on_its_beginning() -> None:
    assert detect_language("التطبيق يعلق " * 20_000 + "english " * 100_000) == "ar"
