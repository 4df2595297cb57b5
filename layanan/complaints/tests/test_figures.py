"""The figures per agency of the public complaints list (and the dashboard)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from layanan.complaints.figures import agency_figures, handling_days, median_days
from layanan.complaints.models import Category, Complaint, Privacy, Status
from layanan.test import BaseTestCase

START = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
numbers = itertools.count(1)


class MedianTests(BaseTestCase):
    def test_the_median_of_an_odd_and_an_even_count_and_of_none(self) -> None:
        self.assertEqual(median_days([5.0, 1.0, 3.0]), 3.0)
        self.assertEqual(median_days([1.0, 2.0, 4.0, 10.0]), 3.0)
        self.assertEqual(median_days([0.25, 0.5]), 0.4)  # 0.375, to one decimal
        self.assertIsNone(median_days([]))

    def test_handling_days_are_calendar_days_and_never_negative(self) -> None:
        self.assertEqual(handling_days(START, START + dt.timedelta(days=2, hours=12)), 2.5)
        self.assertEqual(handling_days(START, START - dt.timedelta(hours=1)), 0.0)


class AgencyFiguresTests(BaseTestCase):
    umum: Category
    izin: Category

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.umum = Category.objects.create(agency=cls.disdukcapil, code="umum", name="Umum")
        cls.izin = Category.objects.create(agency=cls.dpmptsp, code="umum", name="Umum")

    def complaint(
        self, category: Category, status: str, days: float | None = None, **extra: Any
    ) -> Complaint:
        number = next(numbers)
        outcome = START + dt.timedelta(days=days) if days is not None else None
        ended = (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN)
        return Complaint.objects.create(
            number=f"PGD-{number:04d}",
            token=f"t{number}",
            category=category,
            agency=category.agency,
            description="Antrean tidak jalan.",
            status=status,
            created_at=START,
            resolved_at=outcome if status in (Status.RESOLVED, Status.CLOSED) else None,
            ended_at=outcome if status in ended else None,
            **extra,
        )

    def test_counts_and_median_per_agency(self) -> None:
        self.complaint(self.umum, Status.RECEIVED)
        self.complaint(self.umum, Status.IN_FOLLOW_UP)
        self.complaint(self.umum, Status.RESOLVED, days=2)
        self.complaint(self.umum, Status.CLOSED, days=10)
        self.complaint(self.umum, Status.REJECTED, days=1)
        self.complaint(self.umum, Status.WITHDRAWN, days=30)  # not the agency's handling
        self.complaint(self.izin, Status.VERIFIED)
        with self.assertNumQueries(3):
            figures = agency_figures(Complaint.objects.all())
        self.assertEqual([f.agency for f in figures], [self.disdukcapil, self.dpmptsp])
        capil, izin = figures
        self.assertEqual(
            (capil.total, capil.open, capil.resolved, capil.rejected, capil.handled),
            (6, 2, 2, 1, 3),
        )
        self.assertEqual(capil.median_days, 2.0)  # of 1, 2 and 10 days
        self.assertEqual((izin.total, izin.open, izin.handled, izin.median_days), (1, 1, 0, None))

    def test_only_the_complaints_the_caller_passes_and_the_period_asked_for(self) -> None:
        self.complaint(self.umum, Status.RESOLVED, days=4)
        self.complaint(self.umum, Status.RESOLVED, days=1, privacy=Privacy.CONFIDENTIAL)
        old = self.complaint(self.izin, Status.RESOLVED, days=3)
        Complaint.objects.filter(pk=old.pk).update(created_at=START - dt.timedelta(days=400))
        figures = agency_figures(
            Complaint.objects.exclude(privacy=Privacy.CONFIDENTIAL),
            since=START - dt.timedelta(days=365),
        )
        self.assertEqual(len(figures), 1)
        self.assertEqual((figures[0].total, figures[0].median_days), (1, 4.0))

    def test_no_complaints_no_figures(self) -> None:
        self.assertEqual(agency_figures(Complaint.objects.all()), [])
