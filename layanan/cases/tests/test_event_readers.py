"""Event readers (notifications, guarantees) never skip an event that becomes visible late.

On PostgreSQL an id is taken before its transaction commits, so a reader can see event 102
before event 101. Here the late commit is simulated by hiding an event from the first read.
"""

import datetime as dt

from django.utils import timezone

from layanan.cases.events import GAP_SECONDS, read_new_events, record_event
from layanan.cases.models import Event, EventCursor
from layanan.cases.tests.test_office_pages import OfficeTestCase


class GapTests(OfficeTestCase):
    def three_events(self) -> list[Event]:
        application = self.submitted()
        at = timezone.now()
        return [
            record_event(application, "comment", at=at, actor=self.budi, note=str(n))
            for n in range(3)
        ]

    def test_an_event_that_appears_late_is_read_on_the_next_pass(self) -> None:
        first, hidden, last = self.three_events()
        EventCursor.objects.create(name="test", position=first.pk - 1)
        now = timezone.now()
        events, done = read_new_events(
            "test", limit=100, now=now, queryset=Event.objects.exclude(pk=hidden.pk)
        )
        self.assertEqual([e.pk for e in events], [first.pk, last.pk])
        done()
        self.assertEqual(EventCursor.objects.get(name="test").gaps[0][0], hidden.pk)
        events, done = read_new_events("test", limit=100, now=now)
        self.assertEqual([e.pk for e in events], [hidden.pk])
        done()
        self.assertEqual(EventCursor.objects.get(name="test").gaps, [])
        events, _done = read_new_events("test", limit=100, now=now)
        self.assertEqual(events, [])

    def test_a_gap_left_by_a_rolled_back_transaction_is_given_up(self) -> None:
        first, hidden, _last = self.three_events()
        EventCursor.objects.create(name="test", position=first.pk - 1)
        now = timezone.now()
        _events, done = read_new_events(
            "test", limit=100, now=now, queryset=Event.objects.exclude(pk=hidden.pk)
        )
        done()
        later = now + dt.timedelta(seconds=GAP_SECONDS + 1)
        events, done = read_new_events(
            "test", limit=100, now=later, queryset=Event.objects.exclude(pk=hidden.pk)
        )
        self.assertEqual(events, [])
        done()
        self.assertEqual(EventCursor.objects.get(name="test").gaps, [])
