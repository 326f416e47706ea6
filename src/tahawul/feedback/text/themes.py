"""Themes of a period's comments: what people talk about most, and what they talk about more.

A pure function over comments already read by the classifier (text, topics, time); the
dashboards choose the comments (a service, channel or entity, and a period) and the previous
period to compare with. Counts are of comments, not of mentions: a comment repeating a phrase
counts once, and a comment with two topics counts for both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from tahawul.catalog.text_analysis import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS, normalise, words

# A topic or phrase must have this many comments in the current period to be called growing:
# from 1 to 3 comments is a large rise in share and means nothing.
MINIMUM_GROWING_TOPIC_COUNT = 5
MINIMUM_GROWING_PHRASE_COUNT = 3
# A phrase said in a single comment is not a theme.
MINIMUM_PHRASE_COUNT = 2
EXAMPLES_PER_THEME = 3
PHRASE_LENGTHS = (2, 3)
# Comments are long enough for their themes in their first few thousand characters.
MAX_TEXT_CHARS = 5_000

# Words that carry no theme in comments, beyond the catalogue's search stop words (which keep
# "not" and "no": "not working" is a theme).
# fmt: off
_MORE_ARABIC_STOP_WORDS = (
    "ان", "إن", "أن", "كان", "كانت", "تم", "قد", "لقد", "ثم", "او", "بس", "يعني", "هو", "هي", "هم", "انت",
    "احنا", "نحن", "عشان", "لان", "لأن", "حتى", "الى", "اللي", "التي", "الذي", "هذي", "هاذا", "جدا", "جداً",
    "وايد", "مره", "مرة", "كذا", "جذي", "انا", "لك", "له", "لها", "لنا", "لهم", "عليه", "علي", "فيه", "فيها",
    "منه", "منها", "بعد", "قبل", "اذا", "إذا", "لو", "يا", "الله", "شي", "ولا", "وهو", "وهي", "كله", "كلها",
)
_MORE_ENGLISH_STOP_WORDS = (
    "it", "its", "was", "were", "be", "been", "this", "that", "there", "they", "we", "you", "your", "our",
    "have", "has", "had", "so", "very", "but", "just", "all", "am", "will", "would", "as", "if", "then",
    "than", "too", "up", "out", "about", "at", "again", "into", "after", "before", "he", "she", "his",
    "her", "them", "their", "which", "who", "when", "why", "s", "t", "don", "didn", "doesn", "isn",
)
# fmt: on
STOP_WORDS = (
    ARABIC_STOP_WORDS
    | ENGLISH_STOP_WORDS
    | frozenset(normalise(word) for word in _MORE_ARABIC_STOP_WORDS)
    | frozenset(_MORE_ENGLISH_STOP_WORDS)
)


class ThemeComment(NamedTuple):
    text: str
    topics: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Theme:
    """A topic (its code) or a phrase, in the current period and the previous one."""

    label: str
    count: int
    share: float  # of the period's comments
    previous_count: int
    previous_share: float
    examples: tuple[str, ...]  # up to three comments of the current period, the most recent first

    @property
    def growth(self) -> float:
        """Rise in share of comments since the previous period (negative for a fall)."""
        return self.share - self.previous_share


@dataclass(frozen=True)
class Themes:
    comments: int
    previous_comments: int
    topics: tuple[Theme, ...]
    growing_topics: tuple[Theme, ...]
    phrases: tuple[Theme, ...]
    growing_phrases: tuple[Theme, ...]


def phrases_of(text: str) -> set[str]:
    """The distinct 2- and 3-word phrases of a text's normalised words that contain no stop word."""
    runs: list[list[str]] = [[]]
    for word in words(text[:MAX_TEXT_CHARS]):
        if word in STOP_WORDS or word.isdigit() or len(word) < 2:
            runs.append([])  # a phrase never spans a stop word
        else:
            runs[-1].append(word)
    found: set[str] = set()
    for run in runs:
        for length in PHRASE_LENGTHS:
            for start in range(len(run) - length + 1):
                found.add(" ".join(run[start : start + length]))
    return found


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _examples(comments: Iterable[ThemeComment]) -> tuple[str, ...]:
    recent = sorted(comments, key=lambda comment: comment.created_at, reverse=True)
    return tuple(comment.text for comment in recent[:EXAMPLES_PER_THEME])


def _group_by_topic(comments: Sequence[ThemeComment]) -> dict[str, list[ThemeComment]]:
    groups: dict[str, list[ThemeComment]] = defaultdict(list)
    for comment in comments:
        for topic in dict.fromkeys(comment.topics):  # a topic listed twice counts once
            groups[topic].append(comment)
    return groups


def _group_by_phrase(comments: Sequence[ThemeComment]) -> dict[str, list[ThemeComment]]:
    groups: dict[str, list[ThemeComment]] = defaultdict(list)
    for comment in comments:
        for phrase in phrases_of(comment.text):
            groups[phrase].append(comment)
    return groups


def _without_covered_phrases(groups: dict[str, list[ThemeComment]]) -> dict[str, list[ThemeComment]]:
    # "long wait" inside "long wait time" in exactly the same comments says nothing more: keep
    # only the longer phrase.
    covered: set[str] = set()
    for phrase, group in groups.items():
        parts = phrase.split(" ")
        if len(parts) == 3:
            for part in (" ".join(parts[:2]), " ".join(parts[1:])):
                if len(groups.get(part, ())) == len(group):
                    covered.add(part)
    return {phrase: group for phrase, group in groups.items() if phrase not in covered}


def _ranked(
    current: dict[str, list[ThemeComment]],
    previous: dict[str, list[ThemeComment]],
    totals: tuple[int, int],
    minimum_count: int,
) -> tuple[list[Theme], list[Theme]]:
    """The themes with at least ``minimum_count`` comments: by frequency, and those that grew."""
    total, previous_total = totals
    found = [
        Theme(
            label=label,
            count=len(group),
            share=_share(len(group), total),
            previous_count=len(previous.get(label, ())),
            previous_share=_share(len(previous.get(label, ())), previous_total),
            examples=_examples(group),
        )
        for label, group in current.items()
        if len(group) >= minimum_count
    ]
    frequent = sorted(found, key=lambda theme: (-theme.count, theme.label))
    growing = sorted((theme for theme in found if theme.growth > 0), key=lambda theme: (-theme.growth, theme.label))
    return frequent, growing


def themes(current: Sequence[ThemeComment], previous: Sequence[ThemeComment], *, limit: int = 5) -> Themes:
    """The most frequent and fastest-growing topics and phrases of ``current`` against ``previous``.

    Frequent: by number of comments, then label (phrases need :data:`MINIMUM_PHRASE_COUNT`
    comments). Growing: by rise in share of comments, only rises, for topics with at least
    :data:`MINIMUM_GROWING_TOPIC_COUNT` current comments and phrases with at least
    :data:`MINIMUM_GROWING_PHRASE_COUNT`. Each theme has up to three example comments, the most
    recent first. Pure: called by the insights selectors with the comments they fetched.
    """
    totals = (len(current), len(previous))
    topic_groups, previous_topic_groups = _group_by_topic(current), _group_by_topic(previous)
    topics, _ = _ranked(topic_groups, previous_topic_groups, totals, 1)
    _, growing_topics = _ranked(topic_groups, previous_topic_groups, totals, MINIMUM_GROWING_TOPIC_COUNT)
    # Only the current period's covered phrases are dropped: the previous period is counted as
    # it was, so a phrase does not seem to grow because it was covered before.
    phrase_groups = _without_covered_phrases(_group_by_phrase(current))
    previous_phrase_groups = _group_by_phrase(previous)
    phrases, _ = _ranked(phrase_groups, previous_phrase_groups, totals, MINIMUM_PHRASE_COUNT)
    _, growing_phrases = _ranked(phrase_groups, previous_phrase_groups, totals, MINIMUM_GROWING_PHRASE_COUNT)
    return Themes(
        comments=totals[0],
        previous_comments=totals[1],
        topics=tuple(topics[:limit]),
        growing_topics=tuple(growing_topics[:limit]),
        phrases=tuple(phrases[:limit]),
        growing_phrases=tuple(growing_phrases[:limit]),
    )
