"""Pre-filling an application form from the applicant's profile, and the consent it needs.

A charter's form field may declare `profile: <attribute>` (lib.personal_data
.PROFILE_ATTRIBUTES; checked by charters.spec): it asks for the applicant's own NIK, name,
address... When the applicant (or the counter officer filing for them) opens a page of the
form, such a field that was never answered shows the profile's value, marked as taken from
the profile; saving the page stores it as an answer of this application only, and the
applicant may change it there without changing the profile.

The data reaches an agency only when the application is submitted, so that is when the
consent is recorded: the check-answers page states it next to the submit button (which
answers came from the profile, which agencies will see them, why), and submitting records it
(UU 27/2022: explicit, recorded, provable). An answer "came from the profile" when it equals
the profile's value at that moment, however it got there.

`cases` does not know the profile or the consent records (`citizens` is above it): it asks
for them through settings, as `LAYANAN_APPLICATION_DETAIL` does —
- `LAYANAN_PROFILE_VALUES`: dotted paths of functions `(user) -> {attribute: value}`, values
  written as the form stores its answers (a NIK as 16 digits, a phone as +62…, a date as ISO);
- `LAYANAN_SUBMISSION_HOOKS`: dotted paths of functions `(application, *, by, channel)`
  called inside the transaction that submits or resubmits (channel web, counter or api).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.cases.answers import clean_answers, open_answers
from layanan.cases.models import Application
from layanan.charters.models import Charter
from layanan.lib.personal_data import profile_attribute_name


def profile_fields(charter: Charter) -> dict[str, str]:
    """{form field key: profile attribute} of the fields that declare one."""
    return {
        spec["key"]: spec["profile"]
        for spec in charter.content.get("form", [])
        if spec.get("profile")
    }


def profile_values(user: User) -> dict[str, str]:
    """The profile of `user`, attribute by attribute, empty ones left out."""
    values: dict[str, str] = {}
    for path in getattr(settings, "LAYANAN_PROFILE_VALUES", []):
        values.update(import_string(path)(user))
    return {attribute: value for attribute, value in values.items() if value}


def prefill(
    application: Application,
    answers: dict[str, Any],
    *,
    keys: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> tuple[dict[str, Any], set[str]]:
    """The answers (opened) with the never-answered profile fields of `keys` (all when None)
    filled from the applicant's profile, and the keys so filled. An answer given, even an
    empty one the applicant cleared, is kept."""
    declared = profile_fields(application.charter)
    if not declared:
        return answers, set()
    if values is None:
        values = profile_values(application.applicant)
    filled = dict(answers)
    taken: set[str] = set()
    for key, attribute in declared.items():
        if (keys is None or key in keys) and key not in answers and attribute in values:
            filled[key] = values[attribute]
            taken.add(key)
    return filled, taken


def answers_with_profile(charter: Charter, user: User, answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` with every profile field not among them taken from `user`'s profile (the
    API's `"prefill": true` when starting an application)."""
    values = profile_values(user)
    filled = dict(answers)
    for key, attribute in profile_fields(charter).items():
        if key not in answers and attribute in values:
            # A profile value the field's own rules refuse (a charter may ask for a longer
            # phone number) is left for the client to ask, not refused in the citizen's name.
            _cleaned, errors = clean_answers(charter, {key: values[attribute]}, partial=True)
            if not errors:
                filled[key] = values[attribute]
    return filled


def from_profile(
    application: Application, *, values: dict[str, str] | None = None
) -> dict[str, str]:
    """{form field key: attribute} of the answers that carry the applicant's profile values
    now: what submitting discloses from the profile."""
    declared = profile_fields(application.charter)
    if not declared:
        return {}
    if values is None:
        values = profile_values(application.applicant)
    answers = open_answers(application.answers)
    return {
        key: attribute
        for key, attribute in declared.items()
        if attribute in values and answers.get(key) == values[attribute]
    }


def agencies_of(application: Application) -> list[dict[str, str]]:
    """Every agency that will see the application: the lead agency and each agency a step of
    its procedure names, in order, each once, by code and name (the form consents keep)."""
    seen: dict[str, str] = {application.agency.code: application.agency.name}
    for step in application.steps.select_related("agency").order_by("stage", "position"):
        seen.setdefault(step.agency.code, step.agency.name)
    return [{"code": code, "name": name} for code, name in seen.items()]


def consent_terms(application: Application, fields: dict[str, str]) -> dict[str, Any]:
    """What the applicant consents to, in the active language, as shown before submitting
    and frozen in the record: the data (attribute names, never values), the agencies, the
    purpose."""
    language = get_language() or "id"
    attributes = list(dict.fromkeys(fields.values()))
    return {
        "what": ", ".join(profile_attribute_name(a, language) for a in attributes),
        "agencies": agencies_of(application),
        "purpose": _("Application %(number)s for the service %(service)s")
        % {"number": application.number, "service": application.service.display_name},
    }


def after_submission(application: Application, *, by: User, channel: str) -> None:
    """Run `LAYANAN_SUBMISSION_HOOKS` (inside the submitting transaction)."""
    for path in getattr(settings, "LAYANAN_SUBMISSION_HOOKS", []):
        import_string(path)(application, by=by, channel=channel)
