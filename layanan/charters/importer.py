"""Charter files: YAML in, YAML out (format: docs/charter-format.md).

A file holds either agencies (with their units, service hours and calendar days) under
`agencies:`, national calendar corrections under `national_calendar:`, or one service with
its charter. Import reads every file first and reports every problem as
``file: path.inside: message``; if there is any, nothing is written. Otherwise everything is
written in one transaction. Running the same import twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency, CalendarDay, ServiceHours, Unit
from layanan.charters import duties
from layanan.charters.actions import CharterLocked, adopt_charter
from layanan.charters.consultations import consultation_for
from layanan.charters.models import Charter, Service
from layanan.charters.spec import (
    CHARTER_KEYS,
    CODE_RE,
    STATUSES,
    Reader,
    UnitRef,
    index,
    join,
    read_charter,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGENCY_KEYS = {
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "region_code",
    "time_zone",
    "address",
    "phone",
    "email",
    "website",
    "complaint_contact",
    "head_title",
    "maklumat",
    "maklumat_date",
    "service_hours",
    "calendar",
    "units",
}
SERVICE_KEYS = {
    "code",
    "name",
    "description",
    "agency",
    "category",
    "channels",
    "active",
    "version",
    "status",
    "effective_from",
    "change_note",
}


class Loader(yaml.SafeLoader):
    """Safe YAML, but dates stay text: the reader parses them and reports a bad one with its
    path, instead of the YAML library failing on 2026-13-01 with no place named."""


def _date_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(node.value)


Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


@dataclass
class AgencySpec:
    source: str
    values: dict[str, Any]
    parent: str
    hours: dict[int, tuple[dt.time, dt.time]] | None
    calendar: list[dict[str, Any]]
    units: list[dict[str, Any]]


@dataclass
class ServiceSpec:
    source: str
    values: dict[str, Any]
    agency: str
    charter: dict[str, Any]
    version: int | None
    status: str
    effective_from: dt.date | None
    change_note: str


@dataclass
class Batch:
    agencies: list[AgencySpec] = field(default_factory=list)
    national: list[dict[str, Any]] = field(default_factory=list)
    services: list[ServiceSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    changed: int = 0

    def note(self, line: str, *, changed: bool) -> None:
        self.lines.append(line)
        self.changed += int(changed)


class ImportFailed(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# -- reading -------------------------------------------------------------------------------


def read_files(paths: Iterable[Path]) -> Batch:
    batch = Batch()
    for path in paths:
        name = path.name
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
        except FileNotFoundError:
            batch.problems.append(f"{path}: " + _("file not found"))
            continue
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            batch.problems.append(f"{name}: {where}: " + _("not valid YAML (%(e)s)") % {"e": exc})
            continue
        read_document(batch, name, data)
    check_references(batch)
    return batch


def read_document(batch: Batch, source: str, data: Any) -> None:
    r = Reader()
    if not isinstance(data, Mapping):
        batch.problems.append(f"{source}: " + _("the file must hold a mapping"))
        return
    if "agencies" in data or "national_calendar" in data:
        r.unknown_keys(data, {"agencies", "national_calendar"}, "")
        for i, raw in enumerate(r.items(data.get("agencies"), "agencies")):
            spec = read_agency(r, raw, index("agencies", i), source)
            if spec:
                batch.agencies.append(spec)
        batch.national.extend(read_calendar(r, data.get("national_calendar"), "national_calendar"))
    else:
        service = read_service(r, data, source)
        if service:
            batch.services.append(service)
    batch.problems.extend(f"{source}: {p}" for p in r.problems)


def read_code(r: Reader, data: Mapping[str, Any], key: str, path: str) -> str:
    code = r.text(data, key, path, required=True)
    if code and not CODE_RE.match(code):
        r.error(
            join(path, key),
            _("'%(code)s' must use lowercase letters, digits and single hyphens") % {"code": code},
        )
    return code


def read_date(r: Reader, data: Mapping[str, Any], key: str, path: str) -> dt.date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        r.error(join(path, key), _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": value})
        return None


def read_hours(r: Reader, data: Any, path: str) -> dict[int, tuple[dt.time, dt.time]] | None:
    if data is None:
        return None
    hours: dict[int, tuple[dt.time, dt.time]] = {}
    for key, value in r.mapping(data, path).items():
        where = join(path, str(key))
        if key not in WEEKDAYS:
            r.error(where, _("use a weekday: %(days)s") % {"days": ", ".join(WEEKDAYS)})
            continue
        try:
            opens_text, closes_text = str(value).split("-")
            opens = dt.time.fromisoformat(opens_text.strip())
            closes = dt.time.fromisoformat(closes_text.strip())
        except ValueError:
            r.error(where, _("write the hours as '08:00-16:00'"))
            continue
        if opens >= closes:
            r.error(where, _("opening time must be before closing time"))
            continue
        hours[WEEKDAYS.index(key)] = (opens, closes)
    return hours


def read_calendar(r: Reader, data: Any, path: str) -> list[dict[str, Any]]:
    days = []
    seen: set[dt.date] = set()
    for i, raw in enumerate(r.items(data, path)):
        where = index(path, i)
        item = r.mapping(raw, where)
        r.unknown_keys(item, {"date", "kind", "name"}, where)
        day = read_date(r, item, "date", where)
        if item.get("date") in (None, ""):
            r.error(join(where, "date"), _("is required"))
        if day in seen:
            r.error(join(where, "date"), _("this date is listed twice"))
        if day:
            seen.add(day)
        kind = r.choice(item, "kind", where, tuple(CalendarDay.Kind.values), default="closed")
        name = r.text(item, "name", where, required=True)
        if day:
            days.append({"date": day, "kind": kind, "name": name})
    return days


def read_agency(r: Reader, raw: Any, path: str, source: str) -> AgencySpec | None:
    data = r.mapping(raw, path)
    if not data:
        return None
    r.unknown_keys(data, AGENCY_KEYS, path)
    values: dict[str, Any] = {"code": read_code(r, data, "code", path)}
    values["name"] = r.text(data, "name", path, required=True)
    for key in ("short_name", "address", "phone", "email", "website", "complaint_contact"):
        values[key] = r.text(data, key, path)
    for key in ("head_title", "maklumat"):
        values[key] = r.text(data, key, path)
    values["kind"] = r.choice(data, "kind", path, tuple(Agency.Kind.values), default="dinas")
    values["region_code"] = r.text(data, "region_code", path, required=True)
    values["time_zone"] = r.choice(
        data, "time_zone", path, tuple(Agency.TimeZone.values), default="Asia/Jakarta"
    )
    values["maklumat_date"] = read_date(r, data, "maklumat_date", path)
    units = []
    for i, raw_unit in enumerate(r.items(data.get("units"), join(path, "units"))):
        where = index(join(path, "units"), i)
        unit = r.mapping(raw_unit, where)
        r.unknown_keys(unit, {"code", "name", "active"}, where)
        units.append(
            {
                "code": read_code(r, unit, "code", where),
                "name": r.text(unit, "name", where, required=True),
                "active": r.boolean(unit, "active", where, default=True),
            }
        )
    if not units:
        r.error(join(path, "units"), _("an agency needs at least one unit"))
    return AgencySpec(
        source=source,
        values=values,
        parent=r.text(data, "parent", path),
        hours=read_hours(r, data.get("service_hours"), join(path, "service_hours")),
        calendar=read_calendar(r, data.get("calendar"), join(path, "calendar")),
        units=units,
    )


def read_service(r: Reader, data: Mapping[str, Any], source: str) -> ServiceSpec | None:
    r.unknown_keys(data, SERVICE_KEYS | CHARTER_KEYS, "")
    name = r.bilingual(data, "name", "", required=True)
    description = r.bilingual(data, "description", "")
    channels = [str(c) for c in r.items(data.get("channels"), "channels")]
    for i, channel in enumerate(channels):
        if channel not in Service.Channel.values:
            r.error(
                index("channels", i),
                _("unknown channel '%(c)s'; use one of: %(all)s")
                % {"c": channel, "all": ", ".join(Service.Channel.values)},
            )
    values = {
        "code": read_code(r, data, "code", ""),
        "name": name["id"],
        "name_en": name["en"],
        "description": description["id"],
        "description_en": description["en"],
        "category": r.choice(data, "category", "", tuple(Service.Category.values)),
        "channels": channels,
        "active": r.boolean(data, "active", "", default=True),
    }
    version = r.integer(data, "version", "", minimum=1, default=0) or None
    status = r.choice(data, "status", "", STATUSES, default="adopted")
    charter = {key: data[key] for key in CHARTER_KEYS if key in data}
    return ServiceSpec(
        source=source,
        values=values,
        agency=read_code(r, data, "agency", ""),
        charter=charter,
        version=version,
        status=status,
        effective_from=read_date(r, data, "effective_from", ""),
        change_note=r.text(data, "change_note", ""),
    )


def check_references(batch: Batch) -> None:
    """Cross-file checks: codes unique, references resolve against the batch and the database."""
    agencies = set(Agency.objects.values_list("code", flat=True))
    owners = dict(Unit.objects.values_list("code", "agency__code"))
    units = {
        code: UnitRef(code, agency)
        for code, agency in Unit.objects.filter(active=True).values_list("code", "agency__code")
    }
    seen_agencies: dict[str, str] = {}
    seen_units: dict[str, str] = {}
    for spec in batch.agencies:
        code = spec.values["code"]
        if code in seen_agencies:
            batch.problems.append(
                f"{spec.source}: agencies: "
                + _("agency '%(code)s' is also defined in %(other)s")
                % {"code": code, "other": seen_agencies[code]}
            )
        seen_agencies[code] = spec.source
        agencies.add(code)
        for unit in spec.units:
            if unit["code"] in seen_units:
                batch.problems.append(
                    f"{spec.source}: agencies: "
                    + _("unit '%(code)s' is defined twice (also in %(other)s)")
                    % {"code": unit["code"], "other": seen_units[unit["code"]]}
                )
            seen_units[unit["code"]] = spec.source
            owner = owners.get(unit["code"])
            if owner and owner != code:
                batch.problems.append(
                    f"{spec.source}: agencies: {code}.units: "
                    + _("unit '%(unit)s' already belongs to agency '%(owner)s'")
                    % {"unit": unit["code"], "owner": owner}
                )
            if unit["active"]:
                units[unit["code"]] = UnitRef(unit["code"], code)
            else:
                units.pop(unit["code"], None)
    for spec in batch.agencies:
        if spec.parent and spec.parent not in agencies:
            batch.problems.append(
                f"{spec.source}: agencies: {spec.values['code']}.parent: "
                + _("unknown agency '%(code)s'") % {"code": spec.parent}
            )
    seen_services: dict[str, str] = {}
    for service in batch.services:
        code = service.values["code"]
        if code in seen_services:
            batch.problems.append(
                f"{service.source}: code: "
                + _("service '%(code)s' is also defined in %(other)s")
                % {"code": code, "other": seen_services[code]}
            )
        seen_services[code] = service.source
        if service.agency and service.agency not in agencies:
            batch.problems.append(
                f"{service.source}: agency: "
                + _("unknown agency '%(code)s'") % {"code": service.agency}
            )
        content, problems = read_charter(service.charter, units=units, strict_keys=False)
        batch.problems.extend(f"{service.source}: {p}" for p in problems)
        service.charter = content
        if service.version and not problems:
            check_version(batch, service)


def check_version(batch: Batch, spec: ServiceSpec) -> None:
    if spec.version is None:
        return
    existing = Charter.objects.filter(
        service__code=spec.values["code"], version=spec.version
    ).first()
    if existing and existing.status == Charter.Status.SUPERSEDED:
        latest = Charter.objects.filter(service=existing.service).order_by("-version").first()
        batch.problems.append(
            f"{spec.source}: version: "
            + _(
                "version %(v)d was replaced by version %(latest)d; remove 'version' to publish "
                "this content again as a new version"
            )
            % {"v": spec.version, "latest": latest.version if latest else spec.version}
        )
    elif existing and not existing.is_editable and existing.content != spec.charter:
        batch.problems.append(
            f"{spec.source}: version: "
            + _(
                "version %(v)d is %(status)s and cannot change; remove 'version' or raise it "
                "to publish a new version"
            )
            % {"v": spec.version, "status": existing.get_status_display().lower()}
        )


# -- writing -------------------------------------------------------------------------------


def import_files(paths: Iterable[Path], *, by: User | None = None) -> Report:
    batch = read_files(paths)
    if batch.problems:
        raise ImportFailed(batch.problems)
    try:
        with transaction.atomic():
            return apply_batch(batch, by=by)
    except ValidationError as exc:  # a model rule the reader did not foresee
        raise ImportFailed([str(m) for m in exc.messages]) from exc


def upsert(model: Any, lookup: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[Any, str]:
    """Create or update one row; say "created", "updated" or "" (nothing changed)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**{**lookup, **values})
        row.full_clean()
        row.save()
        return row, "created"
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    if changed:
        for key in changed:
            setattr(row, key, values[key])
        row.full_clean()
        stamps = [f.name for f in model._meta.fields if getattr(f, "auto_now", False)]
        row.save(update_fields=changed + stamps)
    return row, "updated" if changed else ""


def apply_batch(batch: Batch, *, by: User | None) -> Report:
    report = Report()
    for spec in batch.agencies:
        # the maklumat is published through its own path below, after the standards it declares
        values = {k: v for k, v in spec.values.items() if k not in ("maklumat", "maklumat_date")}
        agency, what = upsert(Agency, {"code": spec.values["code"]}, values)
        report.note(f"agency {agency.code}: {what or 'unchanged'}", changed=bool(what))
        for unit in spec.units:
            row, what = upsert(
                Unit,
                {"code": unit["code"]},
                {"agency": agency, "name": unit["name"], "active": unit["active"]},
            )
            if what:
                report.note(f"unit {row.code}: {what}", changed=True)
        if spec.hours is not None:
            apply_hours(report, agency, spec.hours)
        apply_calendar(report, agency, spec.calendar)
    for spec in batch.agencies:
        parent = Agency.objects.filter(code=spec.parent).first() if spec.parent else None
        moved = (
            Agency.objects.filter(code=spec.values["code"])
            .exclude(parent=parent)
            .update(parent=parent)
        )
        if moved:
            report.note(f"agency {spec.values['code']}: parent set", changed=True)
    apply_calendar(report, None, batch.national)
    for service in batch.services:
        apply_service(report, service, by=by)
    for spec in batch.agencies:
        apply_maklumat(report, spec.values, by=by)
    return report


def apply_maklumat(report: Report, values: Mapping[str, Any], *, by: User | None) -> None:
    """A new maklumat in an agency's file (or the first one Layanan records) is published
    like one from the office page: kept in its history, doing the maklumat duties of the
    standards set until now. The same text imported again is no declaration: it changes
    nothing and does no duty (the agency re-confirms at /kantor/maklumat/)."""
    text = str(values.get("maklumat") or "").strip()
    if not text:
        return
    agency = Agency.objects.get(code=values["code"])
    if text == agency.maklumat.strip() and agency.maklumat_history.exists():
        return
    duties.publish_maklumat(
        agency=agency, text=text, by=by, declared_on=values.get("maklumat_date")
    )
    report.note(f"agency {agency.code}: maklumat published", changed=True)


def apply_hours(report: Report, agency: Agency, hours: dict[int, tuple[dt.time, dt.time]]) -> None:
    current = {h.weekday: (h.opens, h.closes) for h in agency.service_hours.all()}
    if current == hours:
        return
    agency.service_hours.all().delete()
    ServiceHours.objects.bulk_create(
        ServiceHours(agency=agency, weekday=day, opens=opens, closes=closes)
        for day, (opens, closes) in sorted(hours.items())
    )
    report.note(f"agency {agency.code}: service hours set", changed=True)


def apply_calendar(report: Report, agency: Agency | None, days: list[dict[str, Any]]) -> None:
    for day in days:
        _row, what = upsert(
            CalendarDay,
            {"agency": agency, "date": day["date"]},
            {"kind": day["kind"], "name": day["name"]},
        )
        if what:
            owner = agency.code if agency else "national"
            report.note(f"calendar {owner} {day['date']}: {day['name']}", changed=True)


def apply_service(report: Report, spec: ServiceSpec, *, by: User | None) -> None:
    values = {**spec.values, "lead_agency": Agency.objects.get(code=spec.agency)}
    service, what = upsert(Service, {"code": spec.values["code"]}, values)
    changed = bool(what)
    if changed:
        report.note(f"service {service.code}: {what}", changed=True)
    latest = service.charters.order_by("-version").first()
    if (
        latest
        and latest.content == spec.charter
        and (
            latest.status == spec.status
            or (latest.status == Charter.Status.SCHEDULED and spec.status == Charter.Status.ADOPTED)
            or (
                latest.status in (Charter.Status.ADOPTED, Charter.Status.SCHEDULED)
                and spec.status != Charter.Status.ADOPTED
            )
        )
    ):
        if not changed:
            report.note(f"service {service.code}: unchanged (v{latest.version})", changed=False)
        return
    consultation = getattr(latest, "consultation", None) if latest else None
    if latest and consultation is not None and consultation.published_at is not None:
        # Citizens have commented on (or are reading) that text: only the consultation's own
        # path may revise or set it (docs/consultation.md).
        raise ImportFailed(
            [
                _(
                    "%(service)s: version %(v)d is in public consultation; the import does not "
                    "change it. Revise, answer and set it from /kantor/standar/."
                )
                % {"service": service.code, "v": latest.version}
            ]
        )
    if latest and latest.is_editable:
        charter = latest
        Charter.objects.filter(pk=charter.pk).update(
            content=spec.charter, change_note=spec.change_note, status=Charter.Status.DRAFT
        )
        charter.refresh_from_db()
    else:
        version = spec.version or ((latest.version + 1) if latest else 1)
        if latest and version <= latest.version:
            version = latest.version + 1
        charter = Charter.objects.create(
            service=service,
            version=version,
            content=spec.charter,
            change_note=spec.change_note,
            created_by=by,
        )
    if spec.status == Charter.Status.CONSULTATION:
        # prepared for consultation: the agency records the public forum and publishes it
        Charter.objects.filter(pk=charter.pk).update(status=Charter.Status.CONSULTATION)
        consultation_for(charter, by=by)
    elif spec.status == Charter.Status.ADOPTED:
        try:
            adopt_charter(charter=charter, by=by, effective_from=spec.effective_from)
        except CharterLocked as locked:
            raise ImportFailed([f"{service.code}: {locked}"]) from locked
    report.note(f"service {service.code}: v{charter.version} {spec.status}", changed=True)


# -- export --------------------------------------------------------------------------------


def export_service(service: Service) -> str:
    """The service and its charter in force (or its latest version) as YAML."""
    charter = (
        service.charters.filter(status=Charter.Status.ADOPTED).first()
        or service.charters.order_by("-version").first()
    )
    data: dict[str, Any] = {
        "code": service.code,
        "name": {"id": service.name, "en": service.name_en},
        "description": {"id": service.description, "en": service.description_en},
        "agency": service.lead_agency.code,
        "category": service.category,
        "channels": list(service.channels),
        "active": service.active,
    }
    if charter is not None:
        data["version"] = charter.version
        data["status"] = (
            Charter.Status.ADOPTED
            if charter.status == Charter.Status.SUPERSEDED
            else charter.status
        )
        if charter.effective_from:
            data["effective_from"] = charter.effective_from.isoformat()
        if charter.change_note:
            data["change_note"] = charter.change_note
        data.update(strip_agency(charter.content))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def strip_agency(content: Mapping[str, Any]) -> dict[str, Any]:
    """Step agencies are derived from units on import; leave them out of the file."""
    result = dict(content)
    result["procedure"] = {
        "stages": [
            {
                "name": stage["name"],
                "steps": [
                    {k: v for k, v in step.items() if k != "agency"} for step in stage["steps"]
                ],
            }
            for stage in content.get("procedure", {}).get("stages", [])
        ]
    }
    return result
