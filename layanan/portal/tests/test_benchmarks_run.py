"""`make bench` keeps working: each benchmark builds its data set and measures at a tiny size.

The benchmarks write rows with plain SQL for speed, so a new column the ORM fills by default
breaks them without any other test noticing (it did once: `expected_completion_basis`). These
runs check the benchmarks, not the speed: the figures are what `make bench` is for."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import TestCase

from layanan.cases.models import Application

ROOT = Path(__file__).resolve().parents[3]


def run_benchmark(name: str, size: int, *options: str) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), "--sizes", str(size), *options],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    lines = finished.stdout.strip().splitlines()
    assert len(lines) == 1, lines  # one JSON line
    result = json.loads(lines[0])
    assert {"benchmark", "machine", "goal", "floor", "ratio"} <= set(result)
    return result["results"][0]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_dashboard_benchmark_measures_every_page() -> None:
    result = run_benchmark("dashboard.py", 300, "--repeat", "2")
    assert result["applications"] == 300
    pages = result["pages"]
    assert isinstance(pages, dict)
    assert len(pages) >= 8
    assert all(page["median_ms"] > 0 for page in pages.values())


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_sweep_benchmark_finds_the_one_percent_late() -> None:
    result = run_benchmark("sweep.py", 500)
    assert result["open"] == 500
    assert result["one_percent_summary"]["new_breaches"] == 5  # type: ignore[index]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_tracking_benchmark_measures_the_page_and_the_api_against_the_floor() -> None:
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "tracking.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    for target in ("page", "api", "catalogue", "charter"):
        assert result[f"floor_{target}"]["rps"] > 0, target
        assert result[target]["rps"] > 0, target
        assert result[target]["errors"] == 0, target
    assert all(result[f"{target}_ratio"] > 0 for target in ("page", "api", "catalogue", "charter"))


@pytest.mark.django_db
def test_the_floor_of_the_benchmark_is_absent_from_a_normal_installation(client: Any) -> None:
    assert client.get("/_bench/floor/100/").status_code == 404


def bench_module(name: str) -> ModuleType:
    """A benchmark script loaded as a module, to run its measuring function in this process
    on the test database (a fresh database per run would cost more than the measurement)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SubmissionBenchmarkTests(TestCase):
    def test_it_submits_through_the_api_and_measures_the_floor(self) -> None:
        result = bench_module("submission").measure(3, "SQLite")
        json.dumps(result)  # one JSON line
        self.assertEqual(result["submissions"], 3)
        self.assertGreater(result["queries_per_submission"], 0)
        self.assertGreater(result["ratio"], 0)
        floor = Application.objects.filter(idempotency_key__startswith="floor-")
        self.assertEqual(floor.count(), 3)
        # timed, warm-up and query-counting submissions, all submitted through the API
        submitted = Application.objects.exclude(pk__in=floor).filter(status="in_progress")
        self.assertEqual(submitted.count(), 3 + 5 + 1)


def test_the_calendar_benchmark_agrees_with_the_day_by_day_loop() -> None:
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workdays.py"), "--sizes", "2000"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]  # it exits 1 if they disagree
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["additions"] == 2000
    assert {"floor", "goal", "machine", "ratio"} <= set(result)
