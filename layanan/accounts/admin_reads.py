"""The admin's pages record the reads of people's data they show, like every other page
(`accounts.actions.record_reads`): a list records one row per person listed, in one insert;
a change page records the person it is about."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

from layanan.accounts.actions import record_reads
from layanan.accounts.models import DataAccess

if TYPE_CHECKING:
    from django.contrib import admin

    _Base = admin.ModelAdmin[Any]
else:
    _Base = object


class RecordsReads(_Base):
    """`list_place` and `detail_place` name the pages in the person's access log;
    `person_field` leads from a row to the person ("pk" for an account itself)."""

    list_place: DataAccess.Place
    detail_place: DataAccess.Place
    person_field = "user"

    def person_id(self, obj: Any) -> int | None:
        if self.person_field == "pk":
            return int(obj.pk)
        value = getattr(obj, f"{self.person_field}_id", None)
        return int(value) if value is not None else None

    def record(self, request: HttpRequest, place: DataAccess.Place, rows: Any) -> None:
        people = [pk for pk in (self.person_id(obj) for obj in rows) if pk is not None]
        record_reads(
            reader=request.user,  # type: ignore[arg-type]
            place=place,
            shown=[(pk, "") for pk in people],
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self.record(request, self.list_place, changelist.result_list)
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None:
            self.record(request, self.detail_place, [original])
        return response
