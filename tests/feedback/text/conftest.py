"""Fixtures of the text-analysis tests: one classifier trained on the seed set per test session,
saved once to a directory that tests point ``TAHAWUL_MODEL_DIR`` at, so that the actions which
read comments (recording a rating, filing a case) load it instead of training their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tahawul.feedback.text.classifier import (
    MODEL_FILE_NAME,
    CommentClassifier,
    reset_classifier_cache,
    train,
)
from tahawul.feedback.text.training import gather_examples


@pytest.fixture(scope="session")
def seed_classifier() -> CommentClassifier:
    return train(gather_examples(include_weak=False))


@pytest.fixture(scope="session")
def saved_model_dir(tmp_path_factory: pytest.TempPathFactory, seed_classifier: CommentClassifier) -> Path:
    directory = tmp_path_factory.mktemp("models")
    seed_classifier.save(directory / MODEL_FILE_NAME)
    return directory


@pytest.fixture
def model_dir(settings: Any, saved_model_dir: Path) -> Iterator[Path]:
    settings.TAHAWUL_MODEL_DIR = saved_model_dir
    reset_classifier_cache()
    yield saved_model_dir
    reset_classifier_cache()
