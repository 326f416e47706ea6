"""Catalogue latency at 120 and at 10,000 services, against a baseline measured in the same run.

    .venv/bin/python bench/catalogue.py [--services 10000] [--repeat 30]

Builds a throw-away SQLite database (WAL, as `make run` uses), loads the demo government (~120
services), measures, then publishes generated services (variants of the demo ones, through the
same publish action) up to --services and measures again. Every figure is printed beside the
baseline: the same process doing a plain indexed lookup of one service row by its code. The
ratios are what to compare between runs; the milliseconds depend on the machine's load.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

QUERIES = [
    "جوازات",
    "الجواز",
    "جواز سفر",
    "passports",
    "سجل تجاري",
    "رخصة قيادة",
    "كهربا",
    "work permit",
    "تصريح بناء",
    "شهادة ميلاد",
]
EDGE_QUERIES = {"empty": "", "2,000 characters": ("جواز سفر تجديد " * 150)[:2000]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tahawul-bench-"))
    os.environ.update(
        {"TAHAWUL_VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "tahawul.settings", "ALLOWED_HOSTS": "testserver"}
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from tahawul.demo.loader import load_demo

    load_demo()
    report("demo catalogue", arguments.repeat)
    started = time.perf_counter()
    generated = generate_services(arguments.services)
    print(f"\n(published {generated} generated services in {time.perf_counter() - started:.0f} s)")
    report("generated catalogue", arguments.repeat)


def timed(operation: Callable[[], object], repeat: int) -> list[float]:
    operation()  # warm caches and connections once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(label: str, repeat: int) -> None:
    from django.test import Client

    from tahawul.catalog.models import Service
    from tahawul.catalog.selectors import search_services

    client = Client()
    count = Service.objects.count()
    codes = list(Service.objects.order_by("?").values_list("code", flat=True)[:20])

    def baseline() -> None:
        for code in codes[:10]:
            Service.objects.filter(code=code).only("id").first()

    base = statistics.median(timed(baseline, repeat)) / 10
    rows: list[tuple[str, list[float]]] = []
    for query in QUERIES:
        rows.append((f"search selector  {query!r}", timed(lambda q=query: search_services(query=q), repeat)))
    for name, query in EDGE_QUERIES.items():
        rows.append((f"search selector  ({name})", timed(lambda q=query: search_services(query=q), repeat)))
    rows.append(
        ("search page      /ar/search/?q=جوازات", timed(lambda: client.get("/ar/search/", {"q": "جوازات"}), repeat))
    )
    rows.append(
        (
            "search API       /api/v1/services?q=passport",
            timed(lambda: client.get("/api/v1/services", {"q": "passport"}), repeat),
        )
    )
    for code in codes[:3]:
        rows.append((f"service page     {code}", timed(lambda c=code: client.get(f"/ar/services/{c}/"), repeat)))

    print(f"\n== {label}: {count:,} services; baseline (indexed lookup of one row by code) = {base:.3f} ms ==")
    print(f"{'operation':58} {'median ms':>10} {'p95 ms':>8} {'× baseline':>11}")
    for name, samples in rows:
        median = statistics.median(samples)
        p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
        print(f"{name:58} {median:10.2f} {p95:8.2f} {median / base:11.0f}")
    sys.stdout.flush()


def generate_services(target: int) -> int:
    """Variants of the demo services (new codes, names with extra words) until ``target`` exist."""
    from django.db import transaction

    from tahawul.catalog.models import Service
    from tahawul.definitions.actions import publish_definition
    from tahawul.definitions.models import ServiceVersion
    from tahawul.definitions.schema import ServiceDefinition

    originals = [
        ServiceDefinition.model_validate(version.document)
        for version in ServiceVersion.objects.order_by("service__code")
    ]
    vocabulary_ar = sorted({word for d in originals for word in d.summary.ar.split() if len(word) > 3})
    vocabulary_en = sorted({word.strip(".,") for d in originals for word in d.summary.en.split() if len(word) > 3})
    rng = random.Random(7)
    missing = target - Service.objects.count()
    with transaction.atomic():
        for number in range(missing):
            original = originals[number % len(originals)]
            extra_ar = " ".join(rng.sample(vocabulary_ar, 2))
            extra_en = " ".join(rng.sample(vocabulary_en, 2))
            document = original.model_dump(mode="json", by_alias=True)
            document["code"] = f"{original.entity}-GEN{number:05d}"
            document["name"] = {"ar": f"{original.name.ar} {extra_ar}", "en": f"{original.name.en} {extra_en}"}
            document["annual_volume"] = rng.randint(0, 50_000)
            publish_definition(definition=ServiceDefinition.model_validate(document), source_name="bench")
    return max(missing, 0)


if __name__ == "__main__":
    main()
