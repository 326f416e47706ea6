"""``tahawul feedback train``: what an operator sees and what it leaves behind."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tahawul.feedback.text.classifier import MODEL_FILE_NAME, CommentClassifier, evaluate
from tahawul.feedback.text.training import seed_examples

ROW = re.compile(r"^(overall|ar|en)\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d+)$", re.MULTILINE)


@pytest.mark.django_db
def test_train_prints_held_out_macro_f1_and_saves_the_model(
    settings: Any, tmp_path: Path, seed_classifier: CommentClassifier
) -> None:
    settings.TAHAWUL_MODEL_DIR = tmp_path
    output = StringIO()

    call_command("feedback", "train", stdout=output)

    rows = {
        name: (float(topic), float(sentiment), int(count))
        for name, topic, sentiment, count in ROW.findall(output.getvalue())
    }
    # Training is deterministic: the figures are those of the seed-trained classifier (there are
    # no rated comments in the test database).
    expected = evaluate(seed_classifier, seed_examples("test"))
    for name, scores in [("overall", expected.overall), *expected.by_language.items()]:
        assert rows[name] == (round(scores.topic_macro_f1, 3), round(scores.sentiment_macro_f1, 3), scores.count)
    assert f"Trained on {len(seed_examples('train'))} seed comments and 0 rated comments" in output.getvalue()
    assert CommentClassifier.load(tmp_path / MODEL_FILE_NAME).trained_on == seed_classifier.trained_on


def test_seed_only_report_saves_nothing(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_MODEL_DIR = tmp_path
    output = StringIO()

    call_command("feedback", "train", "--seed-only-report", stdout=output)

    assert {name for name, *_ in ROW.findall(output.getvalue())} == {"overall", "ar", "en"}
    assert not (tmp_path / MODEL_FILE_NAME).exists()


def test_a_malformed_seed_file_stops_training(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_MODEL_DIR = tmp_path
    seed = tmp_path / "seed.yaml"
    seed.write_text("comments:\n  - {text: hello, topic: parking}\n", encoding="utf-8")
    errors = StringIO()

    with pytest.raises(CommandError, match="seed file is malformed"):
        call_command("feedback", "train", "--no-weak", "--seed", str(seed), stderr=errors)

    assert "comments[0]: missing fields" in errors.getvalue()
    assert not (tmp_path / MODEL_FILE_NAME).exists()


def test_feedback_needs_a_subcommand() -> None:
    with pytest.raises(CommandError, match="subcommand"):
        call_command("feedback")
