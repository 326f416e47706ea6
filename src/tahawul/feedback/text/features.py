"""The features the comment classifier and the service router learn from.

Two views of a text, side by side: TF-IDF over character n-grams of the normalised text, which
copes with dialect spellings, typos and words the stemmer does not know ("الأبلكيشن",
"appoinment"); and TF-IDF over the catalogue's stemmed word keys, which joins the forms of a
word (الرسوم / رسوم / رسومها). Everything is a module-level function so that a fitted model
pickles and loads in another process.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from tahawul.catalog.text_analysis import normalise, word_keys, words
from tahawul.feedback.text.language import without_markup

# Longer texts are cut before featurising: a 100 KB paste must not cost more than a comment, and
# the first few thousand characters say what it is about.
MAX_TEXT_CHARS = 5_000
# Bounds the vocabulary when tens of thousands of weakly labelled comments are added.
MAX_CHARACTER_FEATURES = 300_000
MAX_WORD_FEATURES = 100_000


def prepared_text(text: str) -> str:
    """The text as the character n-grams see it: capped, without markup, normalised."""
    return normalise(without_markup(text[:MAX_TEXT_CHARS]))


def stemmed_words(text: str) -> list[str]:
    """The catalogue's search keys of every word but numbers (stop words give none), in text order."""
    keys: list[str] = []
    for word in words(without_markup(text[:MAX_TEXT_CHARS])):
        # A number alone ("1" of "Grade 1", "3 hours") would tie unrelated texts together; the
        # character n-grams still see it next to its words.
        if not word.isdigit():
            keys.extend(sorted(word_keys(word)))
    return keys


def build_features() -> FeatureUnion:
    """An unfitted feature union; each model fits its own."""
    characters = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        preprocessor=prepared_text,
        lowercase=False,  # normalise() has already case-folded
        sublinear_tf=True,
        max_features=MAX_CHARACTER_FEATURES,
        dtype=np.float32,
    )
    word_keys_view = TfidfVectorizer(
        analyzer=stemmed_words,
        lowercase=False,
        sublinear_tf=True,
        max_features=MAX_WORD_FEATURES,
        dtype=np.float32,
    )
    return FeatureUnion([("characters", characters), ("words", word_keys_view)])
