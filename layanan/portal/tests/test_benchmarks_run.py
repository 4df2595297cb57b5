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
from typing import Any

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
