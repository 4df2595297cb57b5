import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema

from layanan.charters import duties, rules
from layanan.charters.models import Charter, Service
from layanan.charters.presenters import fee_notice
from layanan.charters.spec import text_in
from layanan.charters.views import in_force, public_services
from layanan.http_errors import with_language

router = Router(tags=["services"])


class AgencyRef(Schema):
    code: str
    name: str


class TimeLimitOut(Schema):
    amount: int
    unit: str


class ServiceOut(Schema):
    code: str
    name: str
    agency: AgencyRef
    time_limit: TimeLimitOut
    fee: int  # the fixed fee; 0 when free; the least it can be for a formula or assessment
    fee_kind: str  # free | fixed | formula | assessed
    charter_version: int


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    help: str
    choices: list[ChoiceOut]
    unit: str
    rules: dict[str, Any]
    # The applicant's profile attribute the field is pre-filled from ("" when none).
    profile: str = ""


class ConditionOut(Schema):
    field: str
    values: list[str | bool]


class RequirementOut(Schema):
    key: str
    name: str
    kind: str
    required: bool
    field: str
    note: str
    where: str
    # the answers that make this requirement unnecessary, e.g. {"field": "desain",
    # "values": ["prototipe"]}; null when it is always needed (if required)
    not_needed_when: ConditionOut | None = None
    # the codes of GET /api/v1/document-types a citizen's vault document may have to be
    # attached for this requirement; empty when none is named (and for other kinds)
    document_types: list[str] = []


class StepOut(Schema):
    key: str
    name: str
    unit: str
    agency: str
    role: str
    time_limit: TimeLimitOut


class StageOut(Schema):
    name: str
    steps: list[StepOut]


class ProcedureOut(Schema):
    stages: list[StageOut]


class TierOut(Schema):
    up_to: str | None  # inclusive upper bound (a decimal number as text); null: the rest
    rate: int  # rupiah per unit


class FormulaOut(Schema):
    field: str
    tiers: list[TierOut]
    apply: str  # each_part | whole
    base: int


class AssessedOut(Schema):
    step: str
    min: int
    max: int


class FeeDetailOut(Schema):
    kind: str
    amount: int
    text: str
    how: list[str]
    due: str  # before_processing | after_step | before_issue | "" (not billed by Layanan)
    due_step: str
    when: str
    pay_within_days: int
    legal_basis: str
    formula: FormulaOut | None
    assessed: AssessedOut | None


class EvaluationStatusOut(Schema):
    last_evaluated_at: dt.datetime | None  # the last yearly evaluation or review recorded
    due: list[dict[str, Any]]  # [{"kind": "yearly"|"review", "due_on", "overdue"}]


class ServiceDetailOut(ServiceOut):
    description: str
    category: str
    channels: list[str]
    clock_starts: str
    fee_legal_basis: str
    fee_detail: FeeDetailOut
    product: str
    complaints: dict[str, Any]
    guarantee: dict[str, Any]
    legal_basis: list[str]
    form: list[FieldOut]
    requirements: list[RequirementOut]
    procedure: ProcedureOut
    evaluation: EvaluationStatusOut


def summary(service: Service, charter: Charter) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.display_name,
        "agency": {"code": service.lead_agency.code, "name": service.lead_agency.name},
        "time_limit": charter.time_limit,
        "fee": charter.fee,
        "fee_kind": charter.fee_spec["kind"],
        "charter_version": charter.version,
    }


def fee_detail(charter: Charter) -> dict[str, Any]:
    fee = charter.fee_spec
    notice = fee_notice(charter)
    return {
        **fee,
        "amount": charter.fee,
        "text": notice.text,
        "how": list(notice.how),
        "when": notice.when,
    }


def published_rules(spec: dict[str, Any], language: str, *, today: dt.date) -> dict[str, Any]:
    """A form field's rules as clients need them: dates resolved to ISO dates for `today` (the
    charter states them relative to the day of filing), the pattern's message in `language`."""
    declared = spec.get("rules") or {}
    published = rules.resolve(declared, kind=spec["type"], today=today)
    if "message" in declared:
        published["message"] = text_in(declared["message"], language)
    return published


@router.get("", response=list[ServiceOut], auth=None, summary="Services with a charter in force")
def list_services(request: HttpRequest) -> list[dict[str, Any]]:
    with_language(request)
    return [summary(s, in_force(s)) for s in public_services().order_by("name")]


@router.get("/{code}", response=ServiceDetailOut, auth=None, summary="A service's charter")
def service_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    with_language(request)
    service = public_services().filter(code=code).first()
    if service is None:
        raise Http404
    charter = in_force(service)
    content = charter.content
    language = get_language() or "id"
    today = service.day_of_filing()

    def local(value: Any) -> str:
        return text_in(value, language)

    return {
        **summary(service, charter),
        "description": service.display_description,
        "category": service.category,
        "channels": service.channels,
        "clock_starts": content["clock_starts"],
        "fee_legal_basis": content["fee"].get("legal_basis", ""),
        "fee_detail": fee_detail(charter),
        "product": local(content["product"]["name"]),
        "complaints": {
            "channel": local(content["complaints"]["channel"]),
            "handling_days": content["complaints"]["handling_days"],
        },
        "guarantee": content["guarantee"],
        "legal_basis": content["legal_basis"],
        "form": [
            {
                "key": f["key"],
                "label": local(f["label"]),
                "type": f["type"],
                "required": f["required"],
                "help": local(f.get("help")),
                "choices": [
                    {"value": c["value"], "label": local(c["label"])} for c in f["choices"]
                ],
                "unit": local(f.get("unit")),
                "rules": published_rules(f, language, today=today),
                "profile": f.get("profile", ""),
            }
            for f in content["form"]
        ],
        "requirements": [
            {
                "key": r["key"],
                "name": local(r["name"]),
                "kind": r["kind"],
                "required": r["required"],
                "field": r.get("field", ""),
                "note": local(r.get("note")),
                "where": local(r.get("where")),
                "not_needed_when": (
                    {"field": r["not_needed_when"]["field"], "values": r["not_needed_when"]["is"]}
                    if r.get("not_needed_when")
                    else None
                ),
                "document_types": list(r.get("document_types", [])),
            }
            for r in content["requirements"]
        ],
        "procedure": {
            "stages": [
                {
                    "name": local(stage["name"]),
                    "steps": [
                        {
                            "key": s["key"],
                            "name": local(s["name"]),
                            "unit": s["unit"],
                            "agency": s.get("agency", ""),
                            "role": s["role"],
                            "time_limit": s["time_limit"],
                        }
                        for s in stage["steps"]
                    ],
                }
                for stage in content["procedure"]["stages"]
            ]
        },
        "evaluation": evaluation_status(service),
    }


def evaluation_status(service: Service) -> dict[str, Any]:
    """When the standard was last evaluated, and the evaluations it owes (charters.duties)."""
    status = duties.evaluation_status(service)
    return {
        "last_evaluated_at": status["last_at"],
        "due": [
            {"kind": row["duty"].kind, "due_on": row["duty"].due_on, "overdue": row["overdue"]}
            for row in status["duties"]
        ],
    }
