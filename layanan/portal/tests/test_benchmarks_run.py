"""`make bench` keeps working: each benchmark builds its data set and measures at a tiny size.

The benchmarks write rows with plain SQL for speed, so a new column the ORM fills by default
breaks them without any other test noticing (it did once: `expected_completion_basis`). These
runs check the benchmarks, not the speed: the figures are what `make bench` is for."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    *_header, last = finished.stdout.strip().splitlines()
    result = ast.literal_eval(last)
    assert isinstance(result, dict)
    return result


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_dashboard_benchmark_measures_every_page() -> None:
    result = run_benchmark("dashboard.py", 300, "--repeat", "2")
    assert result["applications"] == 300
    pages = [value for value in result.values() if isinstance(value, str)]
    assert len(pages) >= 8
    assert all(page.startswith("median ") for page in pages)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_sweep_benchmark_finds_the_one_percent_late() -> None:
    result = run_benchmark("sweep.py", 500)
    assert result["open"] == 500
    assert result["one_percent_summary"]["new_breaches"] == 5  # type: ignore[index]


def run_json_benchmark(name: str, *options: str) -> dict[str, object]:
    """The benchmarks of issue 12 print one JSON line."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), *options],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    assert {"floor", "goal", "machine"} <= set(result)
    return result


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_submission_benchmark_submits_through_the_api() -> None:
    result = run_json_benchmark("submission.py", "--sizes", "5")
    assert result["submissions"] == 5
    assert float(result["submissions_per_s"]) > 0  # type: ignore[arg-type]
    assert float(result["ratio"]) > 0  # type: ignore[arg-type]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the benchmarks use SQLite")
def test_the_queue_benchmark_measures_both_lists_of_petugas() -> None:
    result = run_json_benchmark("officer_queue.py", "--quick")
    sizes = result["sizes"]
    assert isinstance(sizes, list)
    (size,) = sizes
    assert size["applications"] == 300
    pages = [figures for figures in size.values() if isinstance(figures, dict)]
    assert len(pages) == 5
    assert all(figures["median_ms"] > 0 for figures in pages)


def test_the_calendar_benchmark_agrees_with_the_day_by_day_loop() -> None:
    result = run_json_benchmark("workdays.py", "--sizes", "2000")
    assert result["additions"] == 2000
    assert float(result["ratio"]) > 1  # type: ignore[arg-type]
