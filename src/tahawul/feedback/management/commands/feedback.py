"""``tahawul feedback train [--no-weak] [--seed-only-report] [--seed FILE]``: retrain the comment classifier.

Trains on the seed set's train split and (unless ``--no-weak``) the rated comments, reports
macro-F1 on the seed's held-out test split, and saves the model where every process loads it.
Subcommands leave room for more (``feedback <subcommand>``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.feedback.text.classifier import CommentClassifier, Evaluation, evaluate, model_path, train
from tahawul.feedback.text.training import SEED_FILE, SeedFileInvalid, gather_examples, seed_examples


class Command(BaseCommand):
    help = "Work with the feedback text models (train: retrain the comment classifier and report its F1)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        train_parser = subcommands.add_parser(
            "train", help="train the comment classifier, report macro-F1 on the held-out seed split, save it"
        )
        train_parser.add_argument(
            "--no-weak", action="store_true", help="train on the seed set only, without the ratings' weak labels"
        )
        train_parser.add_argument(
            "--seed",
            type=Path,
            default=SEED_FILE,
            help="the labelled seed file (default: the one shipped with Tahawul)",
        )
        train_parser.add_argument(
            "--seed-only-report",
            action="store_true",
            help="train on the seed set only and print the report without saving the model (a dry run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "train":
            dry_run = options["seed_only_report"]
            classifier = self.train(seed_file=options["seed"], include_weak=not (options["no_weak"] or dry_run))
            if not dry_run:
                self.save(classifier)

    def train(self, *, seed_file: Path, include_weak: bool) -> CommentClassifier:
        try:
            examples = gather_examples(include_weak=include_weak, seed_file=seed_file)
            held_out = seed_examples("test", seed_file)
        except SeedFileInvalid as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError("the seed file is malformed; nothing was trained") from None
        started = time.perf_counter()
        classifier = train(examples)
        seconds = time.perf_counter() - started
        weak = sum(1 for example in examples if example.topic is None)
        seed = len(examples) - weak
        self.stdout.write(f"Trained on {seed} seed comments and {weak} rated comments (weak) in {seconds:.1f} s.")
        self.report(evaluate(classifier, held_out))
        return classifier

    def report(self, evaluation: Evaluation) -> None:
        self.stdout.write(f"Held-out seed test split: {evaluation.overall.count} comments.")
        self.stdout.write(f"{'':10}{'topic macro-F1':>16}{'sentiment macro-F1':>20}{'comments':>10}")
        rows = [("overall", evaluation.overall), *evaluation.by_language.items()]
        for name, scores in rows:
            topic, sentiment = scores.topic_macro_f1, scores.sentiment_macro_f1
            self.stdout.write(f"{name or 'unknown':10}{topic:>16.3f}{sentiment:>20.3f}{scores.count:>10}")

    def save(self, classifier: CommentClassifier) -> None:
        path = model_path()
        try:
            classifier.save(path)
        except OSError as error:
            raise CommandError(f"the model could not be saved to {path}: {error}") from None
        # Running processes notice the new file on their next reading (current_classifier).
        self.stdout.write(f"Model saved to {path}.")
