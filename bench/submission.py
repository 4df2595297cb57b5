"""Benchmark of online submission: applications per second through the JSON API (create,
upload the required documents, submit), against the floor, the same rows written straight
through the ORM.

    .venv/bin/python bench/submission.py                 # 1,000 submissions
    .venv/bin/python bench/submission.py --sizes 50      # quick (also --quick)
    DATABASE_URL=postgres://... .venv/bin/python bench/submission.py   # on PostgreSQL

A fresh database gets the demo catalogue; citizens get API tokens (not timed). Each submission
is what a mobile client does for the birth certificate (`akta-kelahiran`, two required
documents): `POST /api/v1/applications` with the answers and an Idempotency-Key, `POST
.../documents` for each required document (the same one-page PDF: the upload checks parse
it; equal content is stored once), `POST .../submit`. The requests go through Django's test
client in this process: middleware, authentication, validation, the actions, the storage, the
response — everything but the network and the web server (bench/tracking.py measures those).

The floor writes, for each submission, the rows the API run wrote (the application, its steps,
its events, its documents) with `Model.objects.create`/`bulk_create` in one transaction: the
cost of the rows themselves. Prints one JSON line; goal: at least 200 submissions a second on
SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fresh_database, machine

SERVICE = "akta-kelahiran"
PER_CITIZEN = 30  # submissions per citizen, under the files-per-citizen limit
GOAL = 200


def prepare(size: int) -> dict[str, Any]:
    from django.test import Client
    from django.utils import timezone

    from layanan.accounts.models import User
    from layanan.accounts.tokens import issue_token
    from layanan.charters.importer import import_files
    from layanan.portal.demo_answers import answers_for
    from layanan.portal.demo_data import catalogue_files

    import_files(catalogue_files())
    client = Client()
    charter = client.get(f"/api/v1/services/{SERVICE}").json()
    documents = [
        r["key"] for r in charter["requirements"] if r["kind"] == "document" and r["required"]
    ]
    today = timezone.localdate()
    answers = json.loads(json.dumps(answers_for(SERVICE, filed=today, today=today), default=str))
    tokens = []
    for k in range(size // PER_CITIZEN + 2):
        citizen = User.objects.create(username=f"warga-bench-{k}", full_name="Warga Bench")
        token, _row = issue_token(citizen, label="bench")
        tokens.append(token)
    return {"client": client, "documents": documents, "answers": answers, "tokens": tokens}


def submit_one(setup: dict[str, Any], index: int) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from layanan.portal.demo_applications import PDF

    client = setup["client"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {setup['tokens'][index // PER_CITIZEN]}"}
    created = client.post(
        "/api/v1/applications",
        {"service": SERVICE, "answers": setup["answers"]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"bench-{index}",
        **auth,
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    for requirement in setup["documents"]:
        upload = client.post(
            f"/api/v1/applications/{number}/documents",
            {
                "requirement": requirement,
                "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
            },
            **auth,
        )
        assert upload.status_code == 201, upload.content
    submitted = client.post(f"/api/v1/applications/{number}/submit", **auth)
    assert submitted.status_code == 200, submitted.content
    return str(number)


def floor(numbers: list[str], size: int) -> float:
    """Seconds to write `size` times the rows of one API submission through the ORM."""
    from django.db import transaction

    from layanan.cases.models import Application, Document, Event, Step

    template = Application.objects.get(number=numbers[0])
    steps = list(Step.objects.filter(application=template))
    events = list(Event.objects.filter(application=template))
    documents = list(Document.objects.filter(application=template))
    began = time.perf_counter()
    for index in range(size):
        with transaction.atomic():
            application = Application.objects.create(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Application._meta.concrete_fields
                    if f.attname not in ("id", "number", "idempotency_key")
                },
                number=f"F{index:09d}",
                idempotency_key=f"floor-{index}",
            )
            for model, rows in ((Step, steps), (Event, events), (Document, documents)):
                model.objects.bulk_create(
                    model(
                        **{
                            f.attname: getattr(row, f.attname)
                            for f in model._meta.concrete_fields
                            if f.attname not in ("id", "application_id")
                        },
                        application=application,
                    )
                    for row in rows
                )
    return time.perf_counter() - began


def run(size: int) -> dict[str, Any]:
    with fresh_database() as database:
        return measure(size, database)


def measure(size: int, database: str) -> dict[str, Any]:
    """The figures, on the database Django is configured with (empty but migrated)."""
    from django.db import connection

    setup = prepare(size)
    for index in range(5):  # warm up (imports, caches), not timed
        submit_one(setup, size + index)
    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        submit_one(setup, size + 5)
    per_request: list[float] = []
    numbers = []
    began = time.perf_counter()
    for index in range(size):
        one = time.perf_counter()
        numbers.append(submit_one(setup, index))
        per_request.append(time.perf_counter() - one)
    api_s = time.perf_counter() - began
    floor_s = floor(numbers, size)
    rate, floor_rate = size / api_s, size / floor_s
    return {
        "benchmark": "submission",
        "submissions": size,
        "requests_per_submission": 2 + len(setup["documents"]),
        "submissions_per_s": round(rate, 1),
        "median_ms": round(statistics.median(per_request) * 1000, 1),
        "queries_per_submission": len(queries),
        "floor": "the same rows through the ORM, one transaction per application",
        "floor_per_s": round(floor_rate, 1),
        "ratio": round(rate / floor_rate, 3),
        "goal": f">= {GOAL} submissions/s on SQLite",
        "met": rate >= GOAL,
        "client": "Django test client, in process (no network, no web server)",
        "machine": machine(database),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="submissions (one size)")
    parser.add_argument("--quick", action="store_true", help="a tiny size (20)")
    args = parser.parse_args()
    size = 20 if args.quick else int(args.sizes.split(",")[-1])
    print(json.dumps(run(size)), flush=True)


if __name__ == "__main__":
    main()
