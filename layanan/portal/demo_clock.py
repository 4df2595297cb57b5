"""The clock the demo loader sets back while it writes the sample applications' past.

The sample applications are made through the real actions, and every time those actions
write — `Event.at`, the engine's `at`, `Application.created_at` and `Document.uploaded_at`
(Django's `auto_now_add`), `NikField`'s "today" — comes from `django.utils.timezone.now()`,
the one clock of the code base. `clock_at(moment)` makes that function answer `moment` for the
duration of a `with` block and restores it afterwards, so a sample submitted three weeks ago
is, in every row, submitted three weeks ago.

Why not time-machine: it is a test dependency, and it moves the interpreter's clock (`time`,
`datetime`) for every thread. This override replaces one function attribute and is used in one
place only, `demo_applications.ensure_sample_applications`, which runs inside the
single-threaded `layanan demo` command before any server or worker starts. No request, API
call or worker pass ever runs while it is set; nothing outside the demo loader imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


class ClockAlreadySet(RuntimeError):
    """`clock_at` inside `clock_at`: the outer block's time would be lost."""


_real_now = timezone.now


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, `timezone.now()` is `moment` (timezone-aware, not in the future)."""
    if moment.tzinfo is None:
        raise ValueError("The demo clock needs a timezone-aware moment.")
    if timezone.now is not _real_now:
        raise ClockAlreadySet("The demo clock is already set.")
    if moment > _real_now():
        raise ValueError("The demo clock only goes back in time.")
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = _real_now
