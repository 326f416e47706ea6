"""What the comment classifier learns from: the labelled seed set and the ratings' faces.

The seed set (``seed_comments.yaml`` next to this module) is written by hand and carries both a
topic and a sentiment; its test split is held out for evaluation and never trained on. Ratings
add weak labels: a comment left with a happy face is probably positive, with an unhappy face
probably negative. They say nothing about the topic, so they train the sentiment model only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tahawul.feedback.text.language import detect_language

SEED_FILE = Path(__file__).resolve().parent / "seed_comments.yaml"

TOPICS = (
    "waiting_time",
    "staff_conduct",
    "fees",
    "documents",
    "app_or_website_fault",
    "payment",
    "appointment",
    "clarity_of_information",
    "other",
)
SENTIMENTS = ("positive", "neutral", "negative")
LANGUAGE_OF_VARIETY = {"gulf": "ar", "msa": "ar", "en": "en"}
SPLITS = ("train", "test")
_SEED_FIELDS = frozenset({"text", "language", "variety", "topic", "sentiment", "split"})

# libyaml when present: the seed file parses ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FACE_SENTIMENT = {"happy": "positive", "neutral": "neutral", "unhappy": "negative"}
# Enough to learn the platform's own vocabulary; more only slows retraining.
MAX_WEAK_EXAMPLES = 50_000
# A face rates the whole transaction, not the comment ("fine, but the parking is awful"), so a
# weak label counts for half of a hand-checked one.
WEAK_LABEL_WEIGHT = 0.5


@dataclass(frozen=True)
class SeedComment:
    text: str
    language: str
    variety: str
    topic: str
    sentiment: str
    split: str


@dataclass(frozen=True)
class Example:
    """One training or evaluation text; ``topic`` is None for a weak (sentiment-only) label."""

    text: str
    sentiment: str
    topic: str | None
    language: str
    weight: float = 1.0


class SeedFileInvalid(Exception):
    """The seed file cannot be trusted; ``problems`` says where and what, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = list(problems)


def _item_problems(position: int, item: Any) -> list[str]:
    where = f"comments[{position}]"
    if not isinstance(item, dict):
        return [f"{where}: expected a mapping"]
    problems = []
    if set(item) != _SEED_FIELDS:
        missing = sorted(_SEED_FIELDS - set(item))
        unknown = sorted(str(key) for key in set(item) - _SEED_FIELDS)
        problems.append(f"{where}: missing fields {missing}, unknown fields {unknown}")
        return problems
    if not isinstance(item["text"], str) or not item["text"].strip():
        problems.append(f"{where}: text must be a non-empty string")
    allowed = {
        "variety": tuple(LANGUAGE_OF_VARIETY),
        "topic": TOPICS,
        "sentiment": SENTIMENTS,
        "split": SPLITS,
    }
    for field, values in allowed.items():
        if item[field] not in values:
            problems.append(f"{where}: {field} {item[field]!r} is not one of {', '.join(values)}")
    if item["variety"] in LANGUAGE_OF_VARIETY and item["language"] != LANGUAGE_OF_VARIETY[item["variety"]]:
        problems.append(f"{where}: language {item['language']!r} does not match variety {item['variety']!r}")
    return problems


def load_seed(path: Path = SEED_FILE) -> list[SeedComment]:
    """Every item of the seed file, checked.

    Called by training, by ``tahawul feedback train``, by routing and by the tests; parsed once
    per version of the file. Raises :class:`SeedFileInvalid` when the file is missing, is not
    YAML, or has an item with a missing or unknown field, an unknown topic, sentiment, variety or
    split, or a text that appears twice.
    """
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise SeedFileInvalid([f"{path}: {error}"]) from error
    return list(_parsed_seed(path, modified))


@lru_cache(maxsize=4)
def _parsed_seed(path: Path, modified: int) -> tuple[SeedComment, ...]:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as error:
        raise SeedFileInvalid([f"{path}: {error}"]) from error
    if not isinstance(document, dict) or not isinstance(document.get("comments"), list):
        raise SeedFileInvalid([f"{path}: expected a mapping with a list under 'comments'"])
    problems: list[str] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(document["comments"]):
        item_problems = _item_problems(position, item)
        problems.extend(item_problems)
        if item_problems:
            continue
        text = item["text"].strip()
        if text in seen:
            problems.append(f"comments[{position}]: same text as comments[{seen[text]}]")
        seen.setdefault(text, position)
    if problems:
        raise SeedFileInvalid([f"{path}: {problem}" for problem in problems])
    return tuple(SeedComment(**{**item, "text": item["text"].strip()}) for item in document["comments"])


def seed_examples(split: str, path: Path = SEED_FILE) -> list[Example]:
    """The seed comments of one split (``"train"`` or ``"test"``); raises :class:`SeedFileInvalid`."""
    return [
        Example(text=item.text, sentiment=item.sentiment, topic=item.topic, language=item.language)
        for item in load_seed(path)
        if item.split == split
    ]


def weak_examples(limit: int = MAX_WEAK_EXAMPLES) -> list[Example]:
    """The most recent rated comments, labelled by their face (sentiment only).

    Returns [] while the feedback models are not installed. Reads the database.
    """
    # Imported here: the text package must load (and train on the seed) without the models.
    try:
        from tahawul.feedback.models import Rating
    except (ImportError, LookupError, RuntimeError):
        return []
    rows = (
        Rating.objects.exclude(comment="")
        .filter(face__in=list(FACE_SENTIMENT))
        .order_by("-pk")
        .values_list("comment", "face")[:limit]
    )
    return [
        Example(
            text=comment,
            sentiment=FACE_SENTIMENT[face],
            topic=None,
            language=detect_language(comment),
            weight=WEAK_LABEL_WEIGHT,
        )
        for comment, face in rows
        if comment.strip()
    ]


def gather_examples(include_weak: bool = True, *, seed_file: Path = SEED_FILE) -> list[Example]:
    """The training examples: the seed's train split, plus the ratings' weak labels if asked.

    The seed's test split is never included. Raises :class:`SeedFileInvalid`; reads the
    database when ``include_weak``.
    """
    examples = seed_examples("train", seed_file)
    if include_weak:
        examples.extend(weak_examples())
    return examples
