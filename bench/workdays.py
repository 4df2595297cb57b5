"""Benchmark of working-day arithmetic: 1,000,000 additions of working days with the project's
calendar (`layanan.lib.workdays.WorkCalendar.add_working_days`, a bisect over the precomputed
working days) against the floor, a day-by-day loop over the same calendar.

    .venv/bin/python bench/workdays.py                  # 1,000,000 additions
    .venv/bin/python bench/workdays.py --sizes 1000     # quick

The calendar is the national one as the agencies use it (Indonesian holidays and cuti bersama
from the `holidays` package, Monday to Friday), for 2020-2035. The additions are drawn with a
fixed seed: a start date in 2021-2033 and 1 to 60 working days, as charters' time limits are.
The day-by-day loop steps one date at a time and asks the same calendar whether it is a working
day; both give the same answers (checked on every pair). No database is used, so there is
nothing to run on PostgreSQL: the figure is the same whatever `DATABASE_URL` says.
(The file is not named calendar.py: a script's folder comes first on Python's path, and that
name would hide the standard library's `calendar`, which the `holidays` package imports.)
Prints one JSON line; `ratio` is how many times faster the calendar is than the loop (the
issue measured "today about 30x" and sets no goal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ISSUE_RATIO = 30  # what issue 12 measured; it sets no goal for this one


def day_by_day(calendar: object, start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start`, one day at a time (the floor)."""
    is_working_day = calendar.is_working_day  # type: ignore[attr-defined]
    day, left, one = start, n, dt.timedelta(days=1)
    while left:
        day += one
        if is_working_day(day):
            left -= 1
    return day


def run(size: int, seed: int) -> dict[str, object]:
    from layanan.lib.workdays import national_calendar

    calendar = national_calendar(2020, 2035)
    draw = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    first = dt.date(2021, 1, 1).toordinal()
    last = dt.date(2033, 12, 31).toordinal()
    pairs = [
        (dt.date.fromordinal(draw.randint(first, last)), draw.randint(1, 60)) for _ in range(size)
    ]
    add = calendar.add_working_days
    began = time.perf_counter()
    fast = [add(start, n) for start, n in pairs]
    calendar_s = time.perf_counter() - began
    began = time.perf_counter()
    slow = [day_by_day(calendar, start, n) for start, n in pairs]
    loop_s = time.perf_counter() - began
    if fast != slow:
        raise SystemExit("the calendar and the day-by-day loop disagree")
    ratio = loop_s / calendar_s
    return {
        "benchmark": "calendar (working days)",
        "additions": size,
        "calendar_s": round(calendar_s, 3),
        "calendar_per_s": round(size / calendar_s),
        "floor": "day-by-day loop over the same calendar",
        "floor_s": round(loop_s, 3),
        "floor_per_s": round(size / loop_s),
        "ratio": round(ratio, 1),
        "goal": f"none set; the issue measured about {ISSUE_RATIO}x",
        "machine": machine(),
        "database": "none",
    }


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000", help="additions (one size)")
    parser.add_argument("--quick", action="store_true", help="a tiny size (10,000)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    size = 10_000 if args.quick else int(args.sizes.split(",")[-1])
    print(json.dumps(run(size, args.seed)), flush=True)


if __name__ == "__main__":
    main()
