"""Reading a bank statement (mutasi rekening) exported as CSV, and matching its lines.

The CSV has a header row with the columns `tanggal` (YYYY-MM-DD or DD/MM/YYYY), `keterangan`
(the description, where the payer wrote the payment code), `jumlah` (the amount credited, in
rupiah; "85000", "85.000", "85,000.00" and "85.000,00" all read as 85000) and optionally
`referensi` (the bank's reference). Column names are matched without case; a `;` separator is
accepted. `read_statement` is pure; `import_statement` records each line once and matches it
through `actions.record_payment`, so the rules of a payment are the same as at the counter.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency
from layanan.payments import access, actions
from layanan.payments.models import Bill, Payment, StatementLine

CODE_RE = re.compile(r"(?<!\d)(\d{14})(?!\d)")
COLUMNS = ("tanggal", "keterangan", "jumlah")


@dataclass(frozen=True)
class Line:
    number: int  # in the file, the header being line 1
    booked_on: dt.date
    description: str
    amount: int
    reference: str

    @property
    def digest(self) -> str:
        content = "\x1f".join(
            [self.booked_on.isoformat(), self.description, str(self.amount), self.reference]
        )
        return hashlib.sha256(content.encode()).hexdigest()

    def payment_code(self) -> str | None:
        """The first valid payment code (check digit right) in the description."""
        for found in CODE_RE.findall(self.description):
            if actions.is_valid_code(found):
                return str(found)
        return None


def read_amount(text: str) -> int | None:
    value = text.strip().replace(" ", "").removeprefix("Rp").removeprefix("IDR")
    value = re.sub(r"[.,]00$", "", value)
    value = value.replace(".", "").replace(",", "")
    return int(value) if value.isdigit() else None


def read_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    return None


def read_statement(text: str) -> tuple[list[Line], list[str]]:
    """The credit lines of a statement, and the problems of the lines that cannot be read."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(rows, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [
            _("The header lacks the columns: %(columns)s") % {"columns": ", ".join(missing)}
        ]
    at = {name: header.index(name) for name in (*COLUMNS, "referensi") if name in header}
    lines: list[Line] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in at.items()}
        booked_on = read_date(cells["tanggal"])
        amount = read_amount(cells["jumlah"])
        if booked_on is None or amount is None or amount <= 0:
            problems.append(
                _("Line %(n)d: a date like 2026-11-30 and an amount above zero are needed")
                % {"n": number}
            )
            continue
        lines.append(
            Line(
                number=number,
                booked_on=booked_on,
                description=cells["keterangan"][:300],
                amount=amount,
                reference=cells.get("referensi", "")[:100],
            )
        )
    return lines, problems


@dataclass
class ImportResult:
    matched: int = 0
    unmatched: int = 0
    already: int = 0  # lines imported before


def import_statement(
    *, agency: Agency, treasurer: User, text: str
) -> tuple[ImportResult, list[str]]:
    """Record each line once and match it: the payment code in the description names the
    bill, the amount must be exactly the bill's. Returns the counts and the unreadable lines."""
    if agency.pk not in access.treasurer_agency_ids(treasurer):
        raise actions.Forbidden(_("Only a treasurer of the agency imports its statements."))
    lines, problems = read_statement(text)
    result = ImportResult()
    for line in lines:
        existing = StatementLine.objects.filter(agency=agency, line_hash=line.digest).first()
        if existing is not None and existing.payment_id is not None:
            result.already += 1
            continue
        row = existing or StatementLine(
            agency=agency,
            line_hash=line.digest,
            booked_on=line.booked_on,
            description=line.description,
            amount=line.amount,
            reference=line.reference,
            imported_by=treasurer,
            imported_at=timezone.now(),
        )
        row.payment, row.problem = match(line, agency=agency, treasurer=treasurer)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the same line in another import at the same moment
            result.already += 1
            continue
        if row.payment is not None:
            result.matched += 1
        else:
            result.unmatched += 1
    return result, problems


def match(line: Line, *, agency: Agency, treasurer: User) -> tuple[Payment | None, str]:
    code = line.payment_code()
    if code is None:
        return None, StatementLine.Problem.NO_CODE
    bill = Bill.objects.filter(code=code, agency=agency).select_related("application").first()
    if bill is None:
        return None, StatementLine.Problem.UNKNOWN_CODE
    application = bill.application
    current = Bill.objects.filter(application=application, status=Bill.Status.UNPAID).first()
    if current is not None and current.pk != bill.pk:
        return None, StatementLine.Problem.NOT_PAYABLE  # a renewed bill has a new code
    try:
        payment, _created = actions.record_payment(
            application=application,
            officer=treasurer,
            amount=line.amount,
            method="transfer",
            reference=line.reference or f"MUTASI-{line.digest[:16]}",
        )
    except actions.WrongAmount:
        return None, StatementLine.Problem.WRONG_AMOUNT
    except actions.PaymentError:
        return None, StatementLine.Problem.NOT_PAYABLE
    if payment.bill_id != bill.pk:
        return None, StatementLine.Problem.NOT_PAYABLE
    return payment, StatementLine.Problem.NONE
