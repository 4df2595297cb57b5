"""Pages of long lists whose total is counted only up to a cap.

An officer's queue or list can hold hundreds of thousands of rows; counting them all on every
page view costs a scan that grows with the data, while a person reads the first pages and
needs to know only that there are many. `CappedPaginator` counts at most `cap` + 1 rows (a
bounded, index-backed count) and says whether there were more; the pages after the cap are
not offered (filters narrow a list that long).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """The number of rows, counted up to cap + 1."""
        return self.rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """There are more rows than `count` says."""
        return self.counted > self.cap
