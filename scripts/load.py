"""`make load`: mixed traffic against `layanan serve` with Locust, then a count of what was lost.

The script loads the demo into a fresh data dir (or the database DATABASE_URL names), starts
`layanan serve` on a free loopback port and runs Locust headless for --seconds (60) with --users
(32) users that never pause between requests:

- 80 % public reads: the tracking page and the tracking API for numbers that exist, the
  catalogue and a charter page;
- 15 % the officer's queue: `/kantor/` and `GET /api/v1/applications` as `petugas`;
- 5 % submissions through the API: create (with an `Idempotency-Key`), the document, submit,
  each by one of --citizens load-test citizens.

Afterwards it looks in the database for every application the server acknowledged (201 or 200
on create) and prints as its last line
`{"requests", "errors", "rps", "p50_ms", "p99_ms", "submitted", "lost", "duplicated"}`:
`lost` counts acknowledged applications missing from the database (or acknowledged as submitted
and not submitted there, without their steps or their `submitted` event), `duplicated` those
found more than once. The exit status is 0 only when errors, lost and duplicated are all 0.

The run is bounded in time (--seconds) and in count (--max-requests). The preparation and the
final count run in subprocesses with Django set up (`--phase`): Locust patches the standard
library with gevent, which Django's database connections are not meant to share.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from layanan.lib.testing import free_port, wait_until_answering

SERVICE = "akta-kelahiran"  # the demo's birth certificate: one document, online


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    import django

    django.setup()


# -- phases run with Django (subprocesses) --------------------------------------------------


def prepare(out: Path, citizens: int) -> None:
    """Load-test citizens with API tokens, an officer's token and verified session, tracking
    numbers and the answers and document of a submission; written to `out` as JSON."""
    django_setup()

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from layanan.accounts.models import User
    from layanan.accounts.tokens import issue_token
    from layanan.cases.models import Application
    from layanan.charters.models import Service
    from layanan.portal.demo_answers import answers_for
    from layanan.portal.demo_applications import PDF
    from layanan.test import mark_verified

    tokens = []
    for index in range(citizens):
        username = f"beban{index:04d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=None,
                full_name=f"Warga Beban {index}",
                email=f"{username}@load.layanan.invalid",
            )
        tokens.append(issue_token(user, label="make load")[0])
    officer = User.objects.get(username="petugas")
    client = Client()
    client.force_login(officer)
    mark_verified(client, officer)
    today = timezone.localdate()
    document = Path(out).with_suffix(".pdf")
    document.write_bytes(PDF)
    numbers = list(
        Application.objects.exclude(status="draft").values_list("number", flat=True)[:500]
    )
    plan = {
        "tokens": tokens,
        "officer_token": issue_token(officer, label="make load")[0],
        "officer_session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "numbers": numbers,
        "services": list(Service.objects.filter(active=True).values_list("code", flat=True)),
        "answers": answers_for(SERVICE, filed=today, today=today),
        "document": str(document),
    }
    Path(out).write_text(json.dumps(plan, default=str))


def verify(acknowledged_file: Path) -> None:
    """Count the acknowledged applications that are missing, half-written or duplicated."""
    django_setup()
    from django.db.models import Count

    from layanan.cases.models import Application, Event

    acknowledged = json.loads(Path(acknowledged_file).read_text())
    keys = [item["key"] for item in acknowledged]
    rows: dict[str, list[Application]] = {}
    for start in range(0, len(keys), 500):
        for application in Application.objects.filter(
            idempotency_key__in=keys[start : start + 500]
        ).annotate(step_count=Count("steps")):
            rows.setdefault(application.idempotency_key or "", []).append(application)
    submitted_ids = set(
        Event.objects.filter(kind="submitted", application__idempotency_key__in=keys).values_list(
            "application_id", flat=True
        )
    )
    lost = duplicated = 0
    for item in acknowledged:
        found = rows.get(item["key"], [])
        if len(found) > 1:
            duplicated += len(found) - 1
        if not found or found[0].number != item["number"]:
            lost += 1
            continue
        application = found[0]
        if item["submitted"] and (
            application.status == "draft"
            or application.pk not in submitted_ids
            or not getattr(application, "step_count", 0)
        ):
            lost += 1
    print(json.dumps({"lost": lost, "duplicated": duplicated}))


# -- the run -----------------------------------------------------------------------------------


def layanan(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "layanan.cli", *arguments]


def this_script(*arguments: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *arguments]


def run_locust(
    *,
    site: str,
    plan: dict[str, Any],
    users: int,
    seconds: float,
    max_requests: int,
    seed: int,
    weights: tuple[int, int, int],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Locust headless in this process; returns its totals and the acknowledged submissions."""
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    document = Path(plan["document"]).read_bytes()
    pick = random.Random(seed)  # noqa: S311 - the mix, not secrets: a seed makes runs comparable
    acknowledged: list[dict[str, Any]] = []
    run_id = uuid.uuid4().hex[:8]

    class Visitor(HttpUser):
        host = site
        wait_time = constant(0)

        @task(weights[0])
        def read(self) -> None:
            choice = pick.random()
            if choice < 0.35 and plan["numbers"]:
                number = pick.choice(plan["numbers"])
                self.client.get(f"/lacak/{number}/", name="/lacak/[number]/")
            elif choice < 0.7 and plan["numbers"]:
                number = pick.choice(plan["numbers"])
                self.client.get(f"/api/v1/track/{number}", name="/api/v1/track/[number]")
            elif choice < 0.85:
                self.client.get("/layanan/", name="/layanan/")
            else:
                code = pick.choice(plan["services"])
                self.client.get(f"/layanan/{code}/", name="/layanan/[code]/")

        @task(weights[1])
        def queue(self) -> None:
            if pick.random() < 0.5:
                self.client.get(
                    "/kantor/",
                    cookies={plan["session_cookie"]: plan["officer_session"]},
                    name="/kantor/",
                )
            else:
                self.client.get(
                    "/api/v1/applications",
                    headers={"Authorization": f"Bearer {plan['officer_token']}"},
                    name="/api/v1/applications (officer)",
                )

        @task(weights[2])
        def submit(self) -> None:
            token = pick.choice(plan["tokens"])
            auth = {"Authorization": f"Bearer {token}"}
            key = f"load-{run_id}-{uuid.uuid4().hex}"
            response = self.client.post(
                "/api/v1/applications",
                json={"service": SERVICE, "answers": plan["answers"]},
                headers={**auth, "Idempotency-Key": key},
                name="POST /api/v1/applications",
            )
            if response.status_code not in (200, 201):
                return
            number = response.json()["number"]
            entry = {"key": key, "number": number, "submitted": False}
            acknowledged.append(entry)
            response = self.client.post(
                f"/api/v1/applications/{number}/documents",
                data={"requirement": "surat_kelahiran"},
                files={"file": ("surat-kelahiran.pdf", document, "application/pdf")},
                headers=auth,
                name="POST /api/v1/applications/[number]/documents",
            )
            if response.status_code != 201:
                return
            response = self.client.post(
                f"/api/v1/applications/{number}/submit",
                headers=auth,
                name="POST /api/v1/applications/[number]/submit",
            )
            if response.status_code == 200:
                entry["submitted"] = True
                plan["numbers"].append(number)

    environment = Environment(user_classes=[Visitor])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    started = time.monotonic()

    def stop_when_done() -> None:
        while time.monotonic() - started < seconds:
            if environment.stats.total.num_requests >= max_requests:
                break
            gevent.sleep(0.2)
        runner.quit()

    gevent.spawn(stop_when_done)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    total = environment.stats.total
    for error in list(environment.stats.errors.values())[:10]:
        print(f"error: {error.occurrences} × {error.method} {error.name}: {error.error}")
    totals = {
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": round(total.num_requests / elapsed, 1) if elapsed else 0.0,
        "p50_ms": total.get_response_time_percentile(0.5) or 0,
        "p99_ms": total.get_response_time_percentile(0.99) or 0,
    }
    return totals, acknowledged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--mix",
        type=lambda text: tuple(int(part) for part in text.split(",")),
        default=(80, 15, 5),
        help="weights of reads, officer queue and submissions (default: 80,15,5)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with DATABASE_URL set: write the demo and the test citizens into that database",
    )
    parser.add_argument("--phase", choices=["prepare", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase == "prepare":
        prepare(options.file, options.citizens)
        return 0
    if options.phase == "verify":
        verify(options.file)
        return 0

    if os.environ.get("DATABASE_URL") and not options.force:
        print(
            "DATABASE_URL is set: the load test would write the demo accounts (with their "
            "published password) and its test citizens into that database. Point it at a "
            "scratch database and add --force, or unset DATABASE_URL (SQLite in a temporary "
            "folder).",
            file=sys.stderr,
        )
        return 2
    work = Path(tempfile.mkdtemp(prefix="layanan-load-"))
    env = {**os.environ, "LAYANAN_DATA_DIR": str(work / "data"), "PYTHONUNBUFFERED": "1"}
    print(f"Loading the demo into {env.get('DATABASE_URL') or env['LAYANAN_DATA_DIR']} …")
    subprocess.run(layanan("demo", "--load-only"), env=env, check=True, stdout=subprocess.DEVNULL)
    plan_file = work / "plan.json"
    subprocess.run(
        this_script(
            *("--phase", "prepare", "--file", str(plan_file)),
            *("--citizens", str(options.citizens)),
        ),
        env=env,
        check=True,
    )
    plan = json.loads(plan_file.read_text())
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    log_path = work / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            layanan(
                *("serve", "--port", str(port), "--no-migrate"),
                *("--workers", str(options.workers)),
            ),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_until_answering(site + "/layanan/", process=server, seconds=60)
        except RuntimeError as error:
            raise SystemExit(f"{error}; the server's log: {log_path}") from None
        print(
            f"Serving at {site} ({options.workers} workers); {options.users} users for "
            f"{options.seconds:g} s …",
            flush=True,
        )
        totals, acknowledged = run_locust(
            site=site,
            plan=plan,
            users=options.users,
            seconds=options.seconds,
            max_requests=options.max_requests,
            seed=options.seed,
            weights=options.mix,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    acknowledged_file = work / "acknowledged.json"
    acknowledged_file.write_text(json.dumps(acknowledged))
    counted = subprocess.run(
        this_script("--phase", "verify", "--file", str(acknowledged_file)),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(counted.stdout.strip().splitlines()[-1])
    result = {
        **totals,
        "submitted": sum(1 for item in acknowledged if item["submitted"]),
        **found,
    }
    passed = not (result["errors"] or result["lost"] or result["duplicated"])
    if passed:
        shutil.rmtree(work, ignore_errors=True)
    else:  # kept for a look: the data dir, the server's log, what was acknowledged
        print(f"kept for inspection: {work} (server log: {log_path})")
    print(json.dumps(result))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
