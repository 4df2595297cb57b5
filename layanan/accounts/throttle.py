"""Attempt limits for every way in: sign-in (web, admin, API token), password-reset requests,
sign-up and the counter's one-time code. Why our own and not django-axes:
docs/adr/0010-attempt-limits.md.

The rules:

- an attempt is counted *before* it is judged: `begin` takes one attempt from every counter
  that applies (the account's, the client address's) with a conditional UPDATE, so that a
  burst of parallel requests cannot slip past the count; the caller then reports how it ended
  (`failed`, `succeeded`, or `refund` when it did not count, such as a form left incomplete);
- an account is counted under every name it answers to (user name, email, phone in any
  writing) as one subject; a name nobody has is counted under its canonical spelling, so that
  a limit says nothing about whether an account exists;
- the client address comes from the trusted proxy header when one is configured
  (`LAYANAN_TRUSTED_PROXY_HEADER`, `LAYANAN_TRUSTED_PROXY_COUNT`), else REMOTE_ADDR; an IPv6
  client is counted by its /64, which one subscriber usually holds whole;
- when a round of attempts fails, the subject waits: the first time a short while, then twice
  as long each time, up to a cap; a day without attempts forgets the past rounds. An account's
  wait is short (an attacker behind the same proxy as its owner can only delay the owner), and
  a successful password reset clears it (`clear_account`);
- a success clears the account's counter; the address's counter only gets that attempt back,
  so that signing in to one's own account does not erase failures against others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import ngettext

from layanan.accounts.identifiers import canonical_identifier, find_user_by_identifier
from layanan.accounts.models import AttemptCounter, User
from layanan.client import address_subject, client_address

COUNT: IntegerField[int, int] = IntegerField()
# A subject that made no attempt for this long starts again from its first, short wait.
FORGIVEN_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """How many attempts of one kind one subject may make in a round, and how long it then
    waits. `setting` names the Django setting that may change `limit`."""

    scope: str
    limit: int
    # A round that did not fill up is forgotten this long after its last attempt.
    window: dt.timedelta
    first_wait: dt.timedelta
    longest_wait: dt.timedelta
    clears_on_success: bool
    setting: str = ""

    def allowed(self) -> int:
        return int(getattr(settings, self.setting, self.limit)) if self.setting else self.limit

    def wait_after(self, strikes: int) -> dt.timedelta:
        return min(self.first_wait * (2**strikes), self.longest_wait)


MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)

SIGN_IN_ACCOUNT = Rule(
    "sign-in:account", 5, 15 * MINUTE, MINUTE, 15 * MINUTE, True, "LAYANAN_SIGN_IN_ACCOUNT_LIMIT"
)
SIGN_IN_ADDRESS = Rule(
    "sign-in:address", 50, 15 * MINUTE, 5 * MINUTE, HOUR, False, "LAYANAN_SIGN_IN_ADDRESS_LIMIT"
)
CODE_ACCOUNT = Rule("code:account", 5, 15 * MINUTE, 5 * MINUTE, HOUR, True)
CODE_ADDRESS = Rule("code:address", 20, 15 * MINUTE, 5 * MINUTE, HOUR, False)
# Wrong second-factor codes after a right password: per account, whatever the address.
SECOND_FACTOR_ACCOUNT = Rule("second-factor:account", 5, 5 * MINUTE, 5 * MINUTE, HOUR, True)
# Requests that send mail: every one counts (the caller reports each as spent).
RESET_ACCOUNT = Rule("reset:account", 3, HOUR, HOUR, 6 * HOUR, False)
RESET_ADDRESS = Rule("reset:address", 10, HOUR, HOUR, 6 * HOUR, False)
# Codes sent to a phone to reset a password (accounts.phone_reset): every request counts, per
# number (all its writings, whether or not an account has it) and per client address.
PHONE_RESET_NUMBER = Rule("phone-reset:number", 3, HOUR, HOUR, 6 * HOUR, False)
PHONE_RESET_ADDRESS = Rule(
    "phone-reset:address", 10, HOUR, HOUR, 6 * HOUR, False, "LAYANAN_PHONE_RESET_ADDRESS_LIMIT"
)
SIGN_UP_NAME = Rule("sign-up:name", 3, HOUR, HOUR, 6 * HOUR, False)
SIGN_UP_ADDRESS = Rule(
    "sign-up:address", 10, HOUR, HOUR, 6 * HOUR, False, "LAYANAN_SIGN_UP_ADDRESS_LIMIT"
)
# Complaints filed by someone not signed in: every filing counts (there is no failure to judge),
# per client address; a signed-in citizen is not counted.
COMPLAINT_ADDRESS = Rule(
    "complaint:address", 5, HOUR, HOUR, 6 * HOUR, False, "LAYANAN_COMPLAINT_ADDRESS_LIMIT"
)

# Checking a file against the issued documents (web page and API), by anyone: every check
# counts, per client address (each one reads and hashes an upload).
VERIFY_ADDRESS = Rule(
    "verify:address", 30, 15 * MINUTE, 15 * MINUTE, HOUR, False, "LAYANAN_VERIFY_ADDRESS_LIMIT"
)

# Messages received by WhatsApp or SMS (notifications.webhooks), per sending number and
# channel: every message counts, so that a loop between two automatic responders (or a flood)
# cannot fill the outbox with replies.
INBOUND_SENDER = Rule(
    "inbound:sender", 30, HOUR, HOUR, 6 * HOUR, False, "LAYANAN_INBOUND_SENDER_LIMIT"
)


def now() -> dt.datetime:
    return timezone.now()


# -- who is counted -------------------------------------------------------------------------------


def account_subject(who: User | str) -> str:
    """One subject for every name of one account; a name that names nobody (or two accounts)
    is its own subject, counted the same way."""
    user = who if isinstance(who, User) else find_user_by_identifier(who)
    if user is not None:
        return f"account:{user.pk}"
    return "name:" + canonical_identifier(str(who))[:300]


def _key(rule: Rule, subject: str) -> str:
    # Hashed: the table need not keep the names and addresses people typed or came from.
    return f"{rule.scope}:{hashlib.sha256(subject.encode()).hexdigest()}"


# -- counting -------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """The counters one attempt was taken from; report how it ended exactly once."""

    keys: list[tuple[Rule, str]] = field(default_factory=list)
    retry_after: int = 0  # seconds; 0 when the attempt may go ahead

    @property
    def refused(self) -> bool:
        return self.retry_after > 0

    def failed(self) -> None:
        """It counts: a subject whose round is now full waits."""
        for rule, key in self.keys:
            _close_round(rule, key)
        self.keys = []

    def succeeded(self) -> None:
        """The account's counter starts again; the address gets its attempt back."""
        for rule, key in self.keys:
            if rule.clears_on_success:
                AttemptCounter.objects.filter(key=key).delete()
            else:
                _give_back(key)
        self.keys = []

    def refund(self) -> None:
        """It does not count (the form was incomplete, a validation refused it)."""
        for _rule, key in self.keys:
            _give_back(key)
        self.keys = []

    def message(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return ngettext(
            "Too many attempts. Try again in %(minutes)d minute.",
            "Too many attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def begin(subjects: list[tuple[Rule, str]]) -> Attempt:
    """Take one attempt from each subject's counter, or from none when one of them must wait
    (then `retry_after` says how long)."""
    taken: list[tuple[Rule, str]] = []
    longest = 0
    for rule, subject in subjects:
        key = _key(rule, subject)
        wait = _take(rule, key)
        if wait:
            longest = max(longest, wait)
        else:
            taken.append((rule, key))
    attempt = Attempt(keys=taken)
    if longest:
        attempt.refund()
        attempt.retry_after = longest
    return attempt


def _take(rule: Rule, key: str) -> int:
    """0 when an attempt was taken, else the seconds to wait."""
    for _try in range(5):
        moment = now()
        quiet = Q(last_attempt_at__lt=moment - rule.window)
        forgiven = Q(last_attempt_at__lt=moment - FORGIVEN_AFTER)
        not_waiting = Q(locked_until__isnull=True) | Q(locked_until__lte=moment)
        taken = (
            AttemptCounter.objects.filter(not_waiting, Q(attempts__lt=rule.allowed()) | quiet)
            .filter(key=key)
            .update(
                attempts=Case(
                    When(quiet, then=Value(1)), default=F("attempts") + 1, output_field=COUNT
                ),
                strikes=Case(
                    When(forgiven, then=Value(0)), default=F("strikes"), output_field=COUNT
                ),
                locked_until=None,
                last_attempt_at=moment,
            )
        )
        if taken:
            return 0
        row = AttemptCounter.objects.filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    AttemptCounter.objects.create(key=key, attempts=1, last_attempt_at=moment)
                return 0
            except IntegrityError:
                continue  # another request made the row a moment ago: count on it
        if row.locked_until is not None and row.locked_until > moment:
            return max(1, int((row.locked_until - moment).total_seconds() + 0.999))
        if row.attempts < rule.allowed():
            continue  # the row was made or a round closed after our update looked: try again
        # The round is full and its last attempts are still being judged.
        return int(rule.first_wait.total_seconds())
    return int(rule.first_wait.total_seconds())


def _close_round(rule: Rule, key: str) -> None:
    """After a failure: when the round is full, start the wait (once, however many parallel
    failures report it) and a new round."""
    moment = now()
    longest = int(rule.longest_wait.total_seconds())
    waits = [
        When(strikes=strikes, then=Value(moment + rule.wait_after(strikes)))
        for strikes in range(32)
        if rule.wait_after(strikes).total_seconds() < longest
    ]
    AttemptCounter.objects.filter(key=key, attempts__gte=rule.allowed()).update(
        attempts=0,
        strikes=F("strikes") + 1,
        locked_until=Case(
            *waits, default=Value(moment + rule.longest_wait), output_field=DateTimeField()
        ),
        last_attempt_at=moment,
    )


def _give_back(key: str) -> None:
    AttemptCounter.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)


ACCOUNT_RULES = (
    SIGN_IN_ACCOUNT,
    CODE_ACCOUNT,
    SECOND_FACTOR_ACCOUNT,
    RESET_ACCOUNT,
    PHONE_RESET_NUMBER,
)
ADDRESS_RULES = (
    SIGN_IN_ADDRESS,
    CODE_ADDRESS,
    RESET_ADDRESS,
    PHONE_RESET_ADDRESS,
    SIGN_UP_ADDRESS,
    COMPLAINT_ADDRESS,
)


def clear_account(user: User) -> None:
    """The owner proved themselves another way (a password reset, a counter code): the
    account's sign-in and code counters start again."""
    _clear(account_subject(user), (SIGN_IN_ACCOUNT, CODE_ACCOUNT, SECOND_FACTOR_ACCOUNT))


def unlock(*, name: str = "", address: str = "") -> int:
    """For an operator (`layanan unlock`): forget the counters of the account that `name`
    names (any of its names), or of a client address; returns how many were deleted."""
    deleted = 0
    if name:
        deleted += _clear(account_subject(name), ACCOUNT_RULES)
        deleted += _clear(canonical_identifier(name), (SIGN_UP_NAME,))
    if address:
        deleted += _clear(address_subject(address), ADDRESS_RULES)
    return deleted


def _clear(subject: str, rules: tuple[Rule, ...]) -> int:
    keys = [_key(rule, subject) for rule in rules]
    deleted, _by_model = AttemptCounter.objects.filter(key__in=keys).delete()
    return deleted


def forget_stale(*, older_than: dt.timedelta = FORGIVEN_AFTER) -> int:
    """Delete counters nobody touched for a day (a worker pass keeps the table small)."""
    moment = now()
    stale = AttemptCounter.objects.filter(last_attempt_at__lt=moment - older_than).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=moment)
    )
    deleted, _by_model = stale.delete()
    return deleted


# -- the surfaces ---------------------------------------------------------------------------------

REFUSAL_ATTRIBUTE = "layanan_attempt_refused"


def begin_sign_in(request: HttpRequest | None, who: User | str) -> Attempt:
    """One sign-in attempt (web, admin, API token: one count for all), by the account and the
    client address. A refusal is remembered on the request for the view to answer 429."""
    subjects = [(SIGN_IN_ACCOUNT, account_subject(who))]
    if request is not None:
        subjects.append((SIGN_IN_ADDRESS, client_address(request)))
    attempt = begin(subjects)
    if attempt.refused and request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, attempt)
    return attempt


def refusal(request: HttpRequest) -> Attempt | None:
    """The refused attempt of this request, if the limiter refused one."""
    found = getattr(request, REFUSAL_ATTRIBUTE, None)
    return found if isinstance(found, Attempt) else None


def begin_code(request: HttpRequest, identifier: str) -> Attempt:
    return begin(
        [
            (CODE_ACCOUNT, account_subject(identifier)),
            (CODE_ADDRESS, client_address(request)),
        ]
    )


def begin_reset_request(request: HttpRequest, email: str) -> Attempt:
    return begin(
        [
            (RESET_ACCOUNT, account_subject(email)),
            (RESET_ADDRESS, client_address(request)),
        ]
    )


def begin_phone_reset(request: HttpRequest, phone: str) -> Attempt:
    """One request for a code sent to `phone`: the caller reports it `failed` (each one spends,
    as each may send a message), whether or not an account has the number."""
    return begin(
        [
            (PHONE_RESET_NUMBER, account_subject(phone)),
            (PHONE_RESET_ADDRESS, client_address(request)),
        ]
    )


def begin_phone_code_check(request: HttpRequest) -> Attempt:
    """One phone code typed, counted by the client address only: each code itself takes at
    most `PhoneCode.MAX_TRIES` wrong guesses, and a number gets few codes an hour."""
    return begin([(CODE_ADDRESS, client_address(request))])


def begin_sign_up(request: HttpRequest, names: list[str]) -> Attempt:
    subjects = [(SIGN_UP_ADDRESS, client_address(request))]
    subjects += [(SIGN_UP_NAME, canonical_identifier(name)) for name in names if name]
    return begin(subjects)


def begin_complaint(request: HttpRequest) -> Attempt:
    """One complaint filed without signing in, counted by the client address (the caller
    reports it `failed` once filed: each one spends, like a sign-up)."""
    return begin([(COMPLAINT_ADDRESS, client_address(request))])


def begin_verification(request: HttpRequest) -> Attempt:
    """One file checked on the public verification page or `POST /api/v1/verify`, counted by
    the client address (the caller reports it `failed`: each check spends)."""
    return begin([(VERIFY_ADDRESS, client_address(request))])


def begin_inbound(channel_name: str, sender: str) -> Attempt:
    """One message received from `sender` on a channel (the caller reports it `failed`: each
    message spends)."""
    return begin([(INBOUND_SENDER, f"{channel_name}:{sender}")])


def answer_refusals(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Wrap a sign-in page (ours or the admin's, whatever its form): when the limiter refused
    the attempt, answer 429 with the wait in the reader's language instead of "incorrect"."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        attempt = refusal(request)
        if attempt is None:
            return response
        unrendered = isinstance(response, TemplateResponse) and not response.is_rendered
        context = response.context_data if isinstance(response, TemplateResponse) else None
        form = (context or {}).get("form")
        if form is not None and unrendered:
            form._errors = ErrorDict(
                {NON_FIELD_ERRORS: form.error_class([attempt.message()], renderer=form.renderer)}
            )
        response.status_code = 429
        response["Retry-After"] = str(attempt.retry_after)
        return response

    return limited
