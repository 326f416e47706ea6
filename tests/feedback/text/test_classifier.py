"""The comment classifier: its held-out quality, bad input, and how processes get their model."""

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from tahawul.feedback.text.classifier import (
    MODEL_FILE_NAME,
    CommentClassifier,
    current_classifier,
    evaluate,
    read_comment,
    reset_classifier_cache,
)
from tahawul.feedback.text.features import MAX_TEXT_CHARS
from tahawul.feedback.text.training import SENTIMENTS, TOPICS, WEAK_LABEL_WEIGHT, gather_examples, seed_examples
from tests.feedback.conftest import rate

# Held-out macro-F1 measured with the seed set as committed (1,053 train / 351 test comments,
# scikit-learn 1.9): topic 0.833 overall, 0.863 Arabic, 0.776 English; sentiment 0.652
# overall, 0.653 Arabic, 0.649 English. The floors are those minus 0.05: a regression guard
# for changes to the features, the model or the seed set, not a target.
FLOORS = {
    "overall": {"topic": 0.78, "sentiment": 0.60},
    "ar": {"topic": 0.81, "sentiment": 0.60},
    "en": {"topic": 0.72, "sentiment": 0.59},
}


def test_held_out_macro_f1_stays_above_the_floor(seed_classifier: CommentClassifier) -> None:
    evaluation = evaluate(seed_classifier, seed_examples("test"))

    scores = {"overall": evaluation.overall, **evaluation.by_language}
    for name, floor in FLOORS.items():
        assert scores[name].topic_macro_f1 >= floor["topic"], name
        assert scores[name].sentiment_macro_f1 >= floor["sentiment"], name
    assert evaluation.overall.count == sum(scores.count for scores in evaluation.by_language.values())


@pytest.mark.parametrize(
    ("text", "topic", "sentiment"),
    [
        ("The officer was very rude to my elderly father and shouted at him", "staff_conduct", "negative"),
        ("ما انتظرت ولا خمس دقايق، خدمة سريعة ما شاء الله", "waiting_time", "positive"),
        ("خُصم المبلغ من بطاقتي مرتين ولم يُسترد حتى الآن", "payment", "negative"),
        ("How much is the fee to renew a driving licence?", "fees", "neutral"),
    ],
)
def test_plain_comments_are_read_as_people_mean_them(
    seed_classifier: CommentClassifier, text: str, topic: str, sentiment: str
) -> None:
    reading = seed_classifier.read(text)

    assert reading is not None
    assert reading.topics[0] == topic
    assert reading.sentiment == sentiment


def test_topics_are_one_or_two_and_other_never_comes_with_another(seed_classifier: CommentClassifier) -> None:
    readings = seed_classifier.read_many([example.text for example in seed_examples("test")])

    for reading in readings:
        assert reading is not None
        assert 1 <= len(reading.topics) <= 2
        assert set(reading.topics) <= set(TOPICS)
        assert "other" not in reading.topics or reading.topics == ("other",)
        assert reading.sentiment in SENTIMENTS
        assert 1 / len(SENTIMENTS) <= reading.sentiment_confidence <= 1
    assert any(len(reading.topics) == 2 for reading in readings if reading)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_comment_has_no_reading(model_dir: Path, text: str) -> None:
    assert read_comment(text) is None


def test_html_and_script_are_read_as_plain_text(seed_classifier: CommentClassifier) -> None:
    reading = seed_classifier.read("<script>alert('x')</script><b>التطبيق</b> ما يفتح أبداً")

    assert reading is not None
    assert reading.language == "ar"
    assert reading.topics


def test_a_100_kb_comment_is_read_on_its_first_characters(seed_classifier: CommentClassifier) -> None:
    text = ("The payment page froze and I was charged twice. " * 3_000)[:100_000]

    reading = seed_classifier.read(text)

    assert reading == seed_classifier.read(text[:MAX_TEXT_CHARS])
    assert reading is not None
    assert reading.language == "en"


def test_a_saved_classifier_reads_the_same_after_loading(seed_classifier: CommentClassifier, tmp_path: Path) -> None:
    path = tmp_path / "nested" / MODEL_FILE_NAME
    seed_classifier.save(path)
    texts = [example.text for example in seed_examples("test")[:40]]

    assert CommentClassifier.load(path).read_many(texts) == seed_classifier.read_many(texts)


def test_the_process_loads_the_saved_model_once(model_dir: Path, seed_classifier: CommentClassifier) -> None:
    first = current_classifier()

    assert current_classifier() is first
    assert first.read("Rude staff") == seed_classifier.read("Rude staff")
    assert read_comment("Rude staff") == seed_classifier.read("Rude staff")


def test_a_retrained_model_file_is_picked_up_by_running_processes(
    settings: Any, tmp_path: Path, seed_classifier: CommentClassifier
) -> None:
    settings.TAHAWUL_MODEL_DIR = tmp_path
    reset_classifier_cache()
    seed_classifier.save(tmp_path / MODEL_FILE_NAME)
    assert current_classifier().trained_on == seed_classifier.trained_on

    retrained = CommentClassifier(
        sentiment=seed_classifier.sentiment, topic=seed_classifier.topic, trained_on={"examples": 1}
    )
    retrained.save(tmp_path / MODEL_FILE_NAME)
    # Some file systems keep whole seconds: make the change visible whatever the clock says.
    later = (tmp_path / MODEL_FILE_NAME).stat().st_mtime + 5
    os.utime(tmp_path / MODEL_FILE_NAME, (later, later))

    assert current_classifier().trained_on == {"examples": 1}
    reset_classifier_cache()


@pytest.mark.django_db
def test_without_a_usable_model_file_the_process_trains_and_saves_one(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TAHAWUL_MODEL_DIR = tmp_path
    (tmp_path / MODEL_FILE_NAME).write_bytes(b"not a model")
    reset_classifier_cache()

    with caplog.at_level(logging.WARNING, logger="tahawul.feedback.text.classifier"):
        classifier = current_classifier()

    assert "cannot be used" in caplog.text
    assert classifier.read("Rude staff") is not None
    assert CommentClassifier.load(tmp_path / MODEL_FILE_NAME).trained_on == classifier.trained_on
    reset_classifier_cache()


@pytest.mark.django_db
def test_rated_comments_are_weak_sentiment_labels(model_dir: Path) -> None:
    rate(face="happy", comment="Quick and easy, thank you", client="ip:198.51.100.21")
    rate(face="unhappy", comment="   ", client="ip:198.51.100.22")  # no comment: nothing to learn
    rate(face="unhappy", comment="ما أحد يرد على التلفون", client="ip:198.51.100.23")
    rate(face="neutral", comment="Okay I guess", client="ip:198.51.100.24")

    examples = gather_examples()
    weak = {example.text: example for example in examples if example.topic is None}

    assert {text: example.sentiment for text, example in weak.items()} == {
        "Quick and easy, thank you": "positive",
        "ما أحد يرد على التلفون": "negative",
        "Okay I guess": "neutral",
    }
    assert {example.weight for example in weak.values()} == {WEAK_LABEL_WEIGHT}
    assert weak["ما أحد يرد على التلفون"].language == "ar"
    assert len(examples) - len(weak) == len(seed_examples("train"))
    assert gather_examples(include_weak=False) == seed_examples("train")


def test_training_never_sees_the_test_split() -> None:
    train_texts = {example.text for example in gather_examples(include_weak=False)}

    assert not train_texts & {example.text for example in seed_examples("test")}
