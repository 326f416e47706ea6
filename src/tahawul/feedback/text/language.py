"""Which language a comment is written in, by the script of its letters.

Comments are short and mix scripts ("الـ OTP ما يوصل"), so a statistical detector has little to
go on; the share of Arabic-script letters among all letters is both simpler and more reliable
for the two languages the platform serves.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ar", "en", ""]

# Letters only: digits, punctuation and emoji say nothing about the language.
_ARABIC_LETTERS = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_LATIN_LETTERS = re.compile("[A-Za-z\u00c0-\u024f]")
# Markup pasted into a comment (<b>, <script>) is neither language nor content.
_MARKUP = re.compile(r"<[^<>]{1,200}>")

# A comment is in a language when at least this share of its letters is in that script; a
# text between the two (half Arabic, half English) is left undecided rather than guessed.
DECISIVE_SHARE = 0.6
# Long texts are decided on their beginning: the share does not change past a few sentences.
SAMPLE_CHARS = 2_000


def without_markup(text: str) -> str:
    """The text with HTML-like tags replaced by spaces (what a reader of the escaped text skips)."""
    return _MARKUP.sub(" ", text)


def detect_language(text: str) -> Language:
    """``"ar"``, ``"en"``, or ``""`` when the text has no letters or mixes both scripts evenly.

    Called by the comment classifier for every reading; never raises.
    """
    sample = without_markup(text[:SAMPLE_CHARS])
    arabic = len(_ARABIC_LETTERS.findall(sample))
    latin = len(_LATIN_LETTERS.findall(sample))
    letters = arabic + latin
    if not letters:
        return ""
    if arabic / letters >= DECISIVE_SHARE:
        return "ar"
    if latin / letters >= DECISIVE_SHARE:
        return "en"
    return ""
