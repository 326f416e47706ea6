"""Reading a comment: its language, its sentiment and what it is about.

Two scikit-learn pipelines (the features of :mod:`.features` and a class-balanced logistic
regression), one for sentiment and one for topic. The sentiment is a separate "voice" figure:
it is never mixed into the satisfaction index, which is computed from the ratings themselves.

The process keeps one trained classifier (:func:`current_classifier`), loaded from
``TAHAWUL_MODEL_DIR/comments.joblib`` (and again when that file changes) or, when there is
none, trained on the spot and saved.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from django.conf import settings
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import Pipeline

from tahawul.feedback.text.features import MAX_TEXT_CHARS, build_features
from tahawul.feedback.text.language import detect_language
from tahawul.feedback.text.training import Example, gather_examples

logger = logging.getLogger(__name__)

MODEL_FILE_NAME = "comments.joblib"
# Bumped when what is saved, or the features it was fitted with, change: a file of another
# format is retrained, not trusted.
MODEL_FORMAT = 2
OTHER_TOPIC = "other"
# A second topic is reported when the classifier finds it nearly as likely as the first: a
# comment about a payment page that crashed is both "payment" and "app_or_website_fault".
SECOND_TOPIC_RATIO = 0.75
# Chosen by cross-validation on the seed's train split (C = 3, 10, 30 within 0.01 macro-F1).
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class Reading:
    """What the classifier makes of one comment."""

    language: str
    sentiment: str
    sentiment_confidence: float
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Scores:
    topic_macro_f1: float
    sentiment_macro_f1: float
    count: int


@dataclass(frozen=True)
class Evaluation:
    overall: Scores
    by_language: Mapping[str, Scores]


def _model() -> LogisticRegression:
    # newton-cg reaches the same fit as lbfgs in a handful of iterations on these sparse TF-IDF
    # matrices: 20-60 times less CPU, measured on the seed set.
    return LogisticRegression(class_weight="balanced", C=REGULARISATION_C, solver="newton-cg", max_iter=1000)


def _capped(texts: Sequence[str]) -> list[str]:
    return [text[:MAX_TEXT_CHARS] for text in texts]


class CommentClassifier:
    """A trained pair of pipelines. Safe to share between threads once built (reads only)."""

    def __init__(self, *, sentiment: Pipeline, topic: Pipeline, trained_on: Mapping[str, int]) -> None:
        self.sentiment = sentiment
        self.topic = topic
        self.trained_on = dict(trained_on)

    def read(self, text: str) -> Reading | None:
        """The reading of one comment; None when it is empty or only whitespace."""
        return self.read_many([text])[0]

    def read_many(self, texts: Sequence[str]) -> list[Reading | None]:
        """Readings of many comments at once (much faster than one by one)."""
        readings: list[Reading | None] = [None] * len(texts)
        positions = [position for position, text in enumerate(texts) if text and text.strip()]
        if not positions:
            return readings
        capped = _capped([texts[position] for position in positions])
        # The inputs are our own sparse matrices: skipping sklearn's checks halves a reading.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            sentiment_features = self.sentiment[:-1].transform(capped)
            shared = self.topic.steps[0][1] is self.sentiment.steps[0][1]
            topic_features = sentiment_features if shared else self.topic[:-1].transform(capped)
            sentiment_probabilities = self.sentiment[-1].predict_proba(sentiment_features)
            topic_probabilities = self.topic[-1].predict_proba(topic_features)
        sentiment_classes = self.sentiment.classes_
        topic_classes = self.topic.classes_
        for row, position in enumerate(positions):
            best = int(np.argmax(sentiment_probabilities[row]))
            readings[position] = Reading(
                language=detect_language(capped[row]),
                sentiment=str(sentiment_classes[best]),
                sentiment_confidence=round(float(sentiment_probabilities[row][best]), 4),
                topics=_topics(topic_classes, topic_probabilities[row]),
            )
        return readings

    def save(self, path: Path) -> None:
        """Write the classifier to ``path`` atomically (a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "sklearn": sklearn.__version__, "classifier": self}
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".comments-", suffix=".tmp")
        os.close(descriptor)
        try:
            joblib.dump(payload, temporary)
            # Not a secret, and the web server may run as another user than the one who trained.
            Path(temporary).chmod(0o644)
            Path(temporary).replace(path)
        finally:
            Path(temporary).unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> CommentClassifier:
        """The classifier saved at ``path``.

        The file is unpickled: it must come from this installation's model directory, never
        from a user. Raises ``OSError`` when it cannot be read and ``ValueError`` when it was
        saved in another format or by another scikit-learn version.
        """
        payload: Any = joblib.load(path)
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path} is not a comment classifier of format {MODEL_FORMAT}")
        if payload.get("sklearn") != sklearn.__version__:
            raise ValueError(f"{path} was saved by scikit-learn {payload.get('sklearn')}, not {sklearn.__version__}")
        classifier = payload["classifier"]
        if not isinstance(classifier, cls):
            raise ValueError(f"{path} does not hold a comment classifier")
        return classifier


def _topics(classes: np.ndarray[Any, Any], probabilities: np.ndarray[Any, Any]) -> tuple[str, ...]:
    order = np.argsort(probabilities)[::-1]
    first = str(classes[order[0]])
    if first == OTHER_TOPIC or len(order) < 2:
        return (first,)
    second = str(classes[order[1]])
    if second != OTHER_TOPIC and probabilities[order[1]] >= SECOND_TOPIC_RATIO * probabilities[order[0]]:
        return (first, second)
    return (first,)


def train(examples: Sequence[Example]) -> CommentClassifier:
    """A classifier trained on ``examples``: sentiment on all, topic on those with a topic.

    Both pipelines share one feature union fitted on all the texts, so a comment is featurised
    once per reading. Called by ``tahawul feedback train`` and by :func:`current_classifier`.
    Raises ``ValueError`` when either target has fewer than two classes among the examples.
    """
    texts = _capped([example.text for example in examples])
    weights = np.array([example.weight for example in examples], dtype=np.float64)
    features = build_features()
    matrix = features.fit_transform(texts)
    sentiment_model = _model().fit(matrix, [example.sentiment for example in examples], sample_weight=weights)
    topical = [position for position, example in enumerate(examples) if example.topic is not None]
    topic_model = _model().fit(
        matrix[topical], [examples[position].topic for position in topical], sample_weight=weights[topical]
    )
    trained_on = {"examples": len(examples), "with_topic": len(topical), "sentiment_only": len(examples) - len(topical)}
    return CommentClassifier(
        sentiment=Pipeline([("features", features), ("model", sentiment_model)]),
        topic=Pipeline([("features", features), ("model", topic_model)]),
        trained_on=trained_on,
    )


def _scores(classifier: CommentClassifier, examples: Sequence[Example]) -> Scores:
    readings = classifier.read_many([example.text for example in examples])
    sentiment_true, sentiment_predicted, topic_true, topic_predicted = [], [], [], []
    for example, reading in zip(examples, readings, strict=True):
        # An empty text has no reading: it counts as a miss.
        sentiment_true.append(example.sentiment)
        sentiment_predicted.append(reading.sentiment if reading else "")
        if example.topic is not None:
            topic_true.append(example.topic)
            topic_predicted.append(reading.topics[0] if reading else "")
    topic_f1 = float(f1_score(topic_true, topic_predicted, average="macro")) if topic_true else 0.0
    sentiment_f1 = float(f1_score(sentiment_true, sentiment_predicted, average="macro")) if sentiment_true else 0.0
    return Scores(topic_macro_f1=topic_f1, sentiment_macro_f1=sentiment_f1, count=len(examples))


def evaluate(classifier: CommentClassifier, examples: Sequence[Example]) -> Evaluation:
    """Macro-F1 of the first topic and of the sentiment, overall and per language.

    Called by ``tahawul feedback train`` on the seed's held-out split.
    """
    by_language: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_language[example.language].append(example)
    return Evaluation(
        overall=_scores(classifier, examples),
        by_language={language: _scores(classifier, items) for language, items in sorted(by_language.items())},
    )


def model_directory() -> Path:
    """Where trained models are kept: ``TAHAWUL_MODEL_DIR``, else ``models/`` under the var directory."""
    configured = getattr(settings, "TAHAWUL_MODEL_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "models"


def model_path() -> Path:
    return model_directory() / MODEL_FILE_NAME


@dataclass(frozen=True)
class _Loaded:
    classifier: CommentClassifier
    path: Path
    modified: int | None  # the file's mtime in ns when loaded or saved; None when not on disk


_lock = threading.Lock()
_loaded: _Loaded | None = None


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def current_classifier() -> CommentClassifier:
    """The process's classifier, loaded once from the model file and reloaded when it changes.

    One ``stat`` of the model file per call: after ``tahawul feedback train`` every process
    picks the new model up on its next reading. When there is no usable model file (none yet,
    another format, another scikit-learn), it is trained from :func:`gather_examples` (seconds;
    reads the seed file and the ratings) and saved for the other processes. Thread-safe:
    concurrent first callers wait for one load or training. Raises
    :class:`~tahawul.feedback.text.training.SeedFileInvalid` when it must train and the seed
    file is broken.
    """
    global _loaded
    path = model_path()
    modified = _modified(path)
    loaded = _loaded
    if loaded is not None and loaded.path == path and (modified is None or modified == loaded.modified):
        return loaded.classifier
    with _lock:
        loaded = _loaded
        if loaded is None or loaded.path != path or (modified is not None and modified != loaded.modified):
            _loaded = loaded = _load_or_train(path)
        return loaded.classifier


def _load_or_train(path: Path) -> _Loaded:
    modified = _modified(path)
    if modified is not None:
        try:
            return _Loaded(CommentClassifier.load(path), path, modified)
        except Exception as error:  # any unreadable model is replaced, never fatal
            logger.warning("Retraining the comment classifier: %s cannot be used (%s)", path, error)
    classifier = train(gather_examples())
    try:
        classifier.save(path)
    except OSError as error:
        logger.warning("The comment classifier could not be saved to %s (%s); it is kept in memory", path, error)
    return _Loaded(classifier, path, _modified(path))


def reset_classifier_cache() -> None:
    """Forget the process's classifier (tests)."""
    global _loaded
    with _lock:
        _loaded = None


def read_comment(text: str) -> Reading | None:
    """The reading of a comment with the process's classifier; None for an empty comment.

    Called when a rating or case is recorded and by the themes. May train the classifier on
    first use (see :func:`current_classifier`).
    """
    if not text or not text.strip():
        return None
    return current_classifier().read(text)
