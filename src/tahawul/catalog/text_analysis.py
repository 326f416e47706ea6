"""Turning what people type into search keys, the same way for services and for queries.

Arabic is normalised first (diacritics, tatweel, the forms of alef and hamza, taa marbuta,
alef maqsura, Arabic-Indic digits), so spelling variants meet. Each word then gives up to two
keys: a light stem of our own (the article and common suffixes removed) and the Snowball
stem. Either key matching is a match: Snowball alone mangles words that begin with a letter
it takes for a prefix (وزارة → زار) and our light stem alone misses what Snowball handles.
English words give their Snowball (Porter 2) stem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from tahawul.catalog.synonyms import SPELLED_ABBREVIATIONS, SYNONYMS
from tahawul.core.digits import ascii_digits

MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 40

_DIACRITICS_AND_TATWEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Alef forms, alef maqsura, Persian forms, and the letters Gulf writers borrow for dialect sounds
# (ملچة for ملكة, ڤيزا, گهوة for قهوة).
_LETTER_FORMS = str.maketrans("أإآٱىکیۀچڤگپ", "اااايكيهكفقب")
# Applied after Snowball has seen the word (it needs taa marbuta to find its suffixes).
_SPELLING_VARIANTS = str.maketrans({"ة": "ه", "ؤ": "و", "ئ": "ي", "ء": None})
_WORD = re.compile(r"[a-z0-9]+|[\u0621-\u064a]+")
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("تها", "تي", "تك", "ته", "ات", "ون", "ين", "ان", "ها", "ه", "ي")

# fmt: off
_ARABIC_STOP_WORDS = (
    "في", "من", "على", "إلى", "عن", "مع", "أو", "و", "ما", "ماذا", "كيف", "هل", "أريد", "أبي", "أبغى",
    "لي", "عندي", "أنا", "هذا", "هذه", "ذلك", "التي", "الذي", "كل", "أي", "عند",
)
ENGLISH_STOP_WORDS = frozenset((
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "my", "how", "do", "i", "is", "are", "and",
    "or", "with", "from", "me", "can", "what", "where", "want", "need", "get",
))
# fmt: on

_arabic_stemmer = Stemmer.Stemmer("arabic")
_english_stemmer = Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """Unicode-, case- and digit-normalised text, Arabic diacritics and letter forms unified."""
    text = unicodedata.normalize("NFKC", ascii_digits(text)).casefold()
    return _DIACRITICS_AND_TATWEEL.sub("", text).translate(_LETTER_FORMS)


def _lookup_form(word: str) -> str:
    """The form under which synonyms are looked up (taa marbuta as ه, no hamza...)."""
    return normalise(word).translate(_SPELLING_VARIANTS)


# Compared before hamza is dropped, so that ماء (water) is not taken for ما (what).
ARABIC_STOP_WORDS = frozenset(normalise(word) for word in _ARABIC_STOP_WORDS)
_SYNONYMS = {_lookup_form(word): variants for word, variants in SYNONYMS.items()}


_ABBREVIATIONS = [
    (re.compile(rf"(?<!\w){re.escape(spelled)}(?!\w)"), latin) for spelled, latin in SPELLED_ABBREVIATIONS
]


def words(text: str) -> list[str]:
    text = normalise(text)
    for spelled, latin in _ABBREVIATIONS:
        text = spelled.sub(latin, text)
    return _WORD.findall(text)


def _is_arabic(word: str) -> bool:
    return "\u0621" <= word[0] <= "\u064a"


def _without_article(word: str) -> str:
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def _light_stem(word: str) -> str:
    word = _without_article(word.translate(_SPELLING_VARIANTS))
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _snowball_stem(word: str) -> str:
    stem = str(_arabic_stemmer.stemWord(word)).translate(_SPELLING_VARIANTS)
    return stem[:-1] if stem.endswith("ه") and len(stem) > 3 else stem


@lru_cache(maxsize=50_000)
def word_keys(word: str) -> frozenset[str]:
    """The index keys of one normalised word (empty for a stop word)."""
    word = word[:MAX_WORD_LENGTH]
    if _is_arabic(word):
        if word in ARABIC_STOP_WORDS or len(word) < 2:
            return frozenset()
        keys = {_light_stem(word), _snowball_stem(word)}
    else:
        if word in ENGLISH_STOP_WORDS:
            return frozenset()
        keys = {_english_stemmer.stemWord(word) if not word.isdigit() else word}
    return frozenset(key for key in keys if key)


def _expanded(word: str) -> frozenset[str]:
    keys = word_keys(word)
    spelled = word.translate(_SPELLING_VARIANTS)
    for form in {spelled, _without_article(spelled)}:
        for variant_word in _SYNONYMS.get(form, ()):
            keys |= word_keys(variant_word)
    return keys


def text_keys(text: str) -> set[str]:
    """Every key of a text, for indexing it."""
    keys: set[str] = set()
    for word in words(text):
        keys |= word_keys(word)
    return keys


@dataclass(frozen=True)
class QueryWord:
    """A word of a query: the keys that match it exactly, and a prefix that may match as typed."""

    keys: frozenset[str]
    prefix: str | None


def analyse_query(query: str) -> list[QueryWord]:
    """The query's meaningful words, at most :data:`MAX_QUERY_WORDS`, with their keys.

    The last word may be unfinished (people search as they type): it also matches keys that
    begin with it.
    """
    analysed: list[QueryWord] = []
    seen: set[frozenset[str]] = set()
    all_words = words(query[: MAX_QUERY_WORDS * (MAX_WORD_LENGTH + 1)])
    for position, word in enumerate(all_words):
        keys = _expanded(word[:MAX_WORD_LENGTH])
        if not keys or keys in seen:
            continue
        seen.add(keys)
        is_last = position == len(all_words) - 1
        light = _light_stem(word) if _is_arabic(word) else word
        prefix = light if is_last and len(light) >= 3 else None
        analysed.append(QueryWord(keys=keys, prefix=prefix))
        if len(analysed) == MAX_QUERY_WORDS:
            break
    return analysed
