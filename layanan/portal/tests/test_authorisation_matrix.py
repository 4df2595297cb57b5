"""The authorisation matrix: every URL and every API operation, for every persona.

The routes come from the URLconf (`get_resolver()`) and the API's OpenAPI schema, not from a
list kept by hand, so a new URL or endpoint fails `test_every_route_is_classified` until
someone writes down here who may use it. Each route names a rule (who may use it) and the
status its success gives; the rule says what each persona gets instead.

Each request runs in a savepoint that is rolled back, so that one persona's approval or
withdrawal does not change what the next persona finds: every persona meets the same rows.
People sign in with `force_login` (web) or a token issued directly (API): the matrix is
about what an account may reach once signed in, not about how it signs in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from layanan.accounts.access_log import defer_read
from layanan.accounts.models import DataAccess, User
from layanan.accounts.tokens import issue_token
from layanan.agencies.models import CalendarDay, OfficerRole, Role, ServiceHours
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters import consultations
from layanan.charters.evaluations import record_evaluation
from layanan.charters.models import Comment, Consultation, Evaluation
from layanan.citizens import vault
from layanan.citizens.actions import file_at_counter, issue_password_setup_code
from layanan.citizens.exports import build_export, request_export
from layanan.citizens.models import Consent, DataExport, RightsRequest, VaultDocument
from layanan.citizens.rights import file_rights_request
from layanan.complaints import actions as complaint_actions
from layanan.complaints.models import Category, Complaint, HandlingRules, Open311Key
from layanan.documents import issuing, keys
from layanan.documents.models import IssuedDocument
from layanan.documents.tests.helpers import SIGNING_DIR
from layanan.guarantees.models import Compensation
from layanan.guarantees.sweep import sweep
from layanan.notifications.tasks import send_message
from layanan.payments.actions import record_payment
from layanan.payments.billing import issue_awaited_bills
from layanan.surveys.tests.helpers import make_invitation
from layanan.test import (
    ANSWERS,
    PASSWORD,
    PDF,
    BaseTestCase,
    charter_content,
    mark_verified,
    published_consultation,
)

PERSONAS = (
    "anonymous",
    "citizen",  # siti, the applicant of every sample application
    "other_citizen",  # agus
    "unit_officer",  # budi: front office, processor and approver in the Disdukcapil units
    "other_officer",  # charlie: processor at DPMPTSP, another agency
    "supervisor",  # ani: supervisor of the Disdukcapil units
    "agency_admin",  # rina: agency administrator of Disdukcapil, staff in the admin
    "superuser",  # root
)

OK = 0  # the route's own success status (Route.ok)
LOGIN = 1  # a redirect to the sign-in page, back to the URL afterwards
ADMIN_LOGIN = 2  # a redirect to the admin's sign-in page

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

ANON, CIT, OTHER, UNIT, ELSEWHERE, SUP, AADMIN, ROOT = PERSONAS


def rule(default: int, **exceptions: int) -> dict[str, int]:
    return {persona: exceptions.get(persona, default) for persona in PERSONAS}


RULES: dict[str, dict[str, int]] = {
    # pages
    "public": rule(OK),
    # signing up or redeeming a counter code: a signed-in person is sent on (302)
    "signed-out": rule(302, anonymous=OK),
    "login": rule(OK, anonymous=LOGIN),
    # the applicant's own application: unseen (404) by everyone else, officers included
    "applicant": rule(404, anonymous=LOGIN, citizen=OK),
    # the applicant, and officers of a unit with a step in it (a document to download)
    "viewer": rule(404, anonymous=LOGIN, citizen=OK, unit_officer=OK, supervisor=OK),
    # an officer who may act on one of its active steps (physical items handed in)
    "step-worker": rule(404, anonymous=LOGIN, unit_officer=OK, supervisor=OK),
    # any officer; the page then shows only their own units' work
    "officer": rule(
        403, anonymous=LOGIN, unit_officer=OK, other_officer=OK, supervisor=OK, agency_admin=OK
    ),
    # an officer of the step's unit; an officer elsewhere does not learn the number exists
    "unit-officer": rule(
        403, anonymous=LOGIN, unit_officer=OK, other_officer=404, supervisor=OK, agency_admin=404
    ),
    "supervisor": rule(403, anonymous=LOGIN, supervisor=OK),
    # the second step of signing in: nobody has a password just accepted here, so all go back
    "pending-sign-in": rule(302),
    # setting up an app: citizens may (it is optional for them); officers have one already
    "enrol": rule(302, citizen=OK, other_citizen=OK),
    # recovery codes are shown once, right after setting up: everyone else is sent on
    "recovery-codes": rule(302, anonymous=LOGIN),
    # turning the second factor off: citizens without one are sent back, officers may not
    "disable-second-factor": rule(403, anonymous=LOGIN, citizen=302, other_citizen=302),
    # supervisors and agency administrators of the compensation's agency
    "finance": rule(
        403, anonymous=LOGIN, unit_officer=404, other_officer=404, supervisor=OK, agency_admin=OK
    ),
    "front-office": rule(403, anonymous=LOGIN, unit_officer=OK),
    # only the front-office officer who filed it prints the counter receipt
    "filing-officer": rule(404, anonymous=LOGIN, unit_officer=OK),
    # the Django admin: staff only, and a model's pages need its permissions
    "staff": rule(ADMIN_LOGIN, agency_admin=OK, superuser=OK),
    "superuser-model": rule(ADMIN_LOGIN, agency_admin=403, superuser=OK),
    "agency-model": rule(ADMIN_LOGIN, agency_admin=OK, superuser=OK),
    # the API: no token is 401; what is not yours is 404 (numbers cannot be probed)
    # a complaint's own pages (receipt, completing it): its complainant, signed in or holding
    # its key in this browser; 404 to everyone else (the key holder needs no account)
    "complainant": rule(404, citizen=OK),
    # "is it resolved?": the one-time link of the message (none here) or the signed-in
    # complainant while the question is open; the link no longer working (410) to others
    "complaint-feedback": rule(410, citizen=OK),
    "api-public": rule(OK),
    "api-token": rule(OK, anonymous=401),
    "api-applicant": rule(404, anonymous=401, citizen=OK),
    "api-viewer": rule(404, anonymous=401, citizen=OK, unit_officer=OK, supervisor=OK),
    "api-unit-officer": rule(404, anonymous=401, unit_officer=OK, supervisor=OK),
    # surveys: imports are for agency administrators; the IKM report for the agency's front
    # office, supervisors and administrators
    "agency-admin": rule(403, anonymous=LOGIN, agency_admin=OK),
    # new standards and their consultations: the lead agency's administrators and superusers
    "standards-admin": rule(403, anonymous=LOGIN, agency_admin=OK, superuser=OK),
    "survey-report": rule(403, anonymous=LOGIN, unit_officer=OK, supervisor=OK, agency_admin=OK),
    # siti's confidential complaint: hers, and the agency's complaint desk's (budi at the
    # counter, ani the supervisor); for everyone else it does not exist, token or not
    "api-complaint-confidential": rule(404, citizen=OK, unit_officer=OK, supervisor=OK),
    # supervisors and agency administrators of an agency (its process analytics)
    "agency-analyst": rule(403, anonymous=LOGIN, supervisor=OK, agency_admin=OK),
    # an issued document's signing officers: approvers of a unit with a step in its application
    # (budi); an approver of another unit of the same agency is refused (documents tests)
    "signing-officer": rule(404, anonymous=LOGIN, unit_officer=OK),
    "api-signing-officer": rule(404, anonymous=401, unit_officer=OK),
    # the treasurer (bendahara penerimaan) of the application's agency: budi here; to
    # everyone else the application does not exist
    "treasurer": rule(404, anonymous=LOGIN, unit_officer=OK),
    "api-treasurer": rule(404, anonymous=401, unit_officer=OK),
    # the treasurer's own page: refused to anyone who is no agency's treasurer
    "treasurer-page": rule(403, anonymous=LOGIN, unit_officer=OK),
    # a public consultation's moderation, answers and adoption: administrators of the service's
    # lead agency (rina for Disdukcapil) and superusers; the consultation is public, so others
    # signed in are refused (403), not told it does not exist
    "api-agency-admin": rule(403, anonymous=401, agency_admin=OK, superuser=OK),
    # the platform's data-protection officer: the permission citizens.answer_rightsrequest
    # (root holds every permission); other officers and citizens are refused
    "data-protection-officer": rule(403, anonymous=LOGIN, superuser=OK),
    # closing an account through the API: siti has applications under way and officers'
    # accounts are closed by an administrator (409); agus may (rolled back afterwards)
    "api-close": rule(409, anonymous=401, other_citizen=OK),
}


@dataclass(frozen=True)
class Route:
    rule: str
    ok: int = 200
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    sample: str = "submitted"  # which of the scenario's applications fills <number>
    # personas for whom this route answers otherwise than its rule says, and why (comment)
    exceptions: dict[str, int] = field(default_factory=dict)


# Web pages, by URL name (or by route for the admin's nameless patterns).
WEB: dict[str, Route] = {
    "portal:home": Route("public"),
    # the load balancer's probe: no worker runs beside the test, so it answers 503 as it would
    "portal:health": Route("public", ok=503),
    "portal:accessibility": Route("public"),
    "portal:licence": Route("public"),
    "charters:catalogue": Route("public"),
    "charters:charter": Route("public"),
    "agencies:list": Route("public"),
    "agencies:detail": Route("public"),
    "cases:track_form": Route("public"),
    "cases:track": Route("public"),
    "transparency:register": Route("public"),
    "transparency:register_csv": Route("public"),
    "transparency:register_json": Route("public"),
    "transparency:dashboard": Route("public"),
    "transparency:agency": Route("public"),
    "transparency:service": Route("public"),
    "set_language": Route("public", ok=302, method="POST", data={"language": "en"}),
    "login": Route("public"),
    "logout": Route("public", ok=302, method="POST"),
    "citizens:sign_up": Route("signed-out"),
    "citizens:sign_up_done": Route("public"),  # the same answer to every sign-up
    "sign_in_code": Route("pending-sign-in"),
    "second_factor_enrol": Route("enrol"),
    "second_factor_disable": Route("disable-second-factor"),
    "recovery_codes": Route("recovery-codes"),
    # revoking an API token: only its owner; anyone else does not learn it exists
    "token_revoke": Route("applicant", method="POST", ok=302),
    "citizens:setup_code": Route("signed-out"),
    "password_reset": Route("public"),
    "password_reset_done": Route("public"),
    "password_reset_confirm": Route("public"),
    "password_reset_complete": Route("public"),
    # forgotten password by phone: the same answer for everyone; the code page sends back to
    # the first page until a number was given there
    "phone_reset": Route("public"),
    "phone_reset_confirm": Route("public", ok=302),
    "api:openapi-json": Route("public"),
    "api:openapi-view": Route("public"),
    "api:api-root": Route("public", ok=404),  # django-ninja's own prefix: a JSON 404
    # a citizen's applications
    "cases:start": Route("login"),
    "cases:mine": Route("login"),
    "citizens:profile": Route("login"),
    "citizens:access_log": Route("login"),  # each person sees the reads of their own data
    # the rights under UU 27/2022: each person's own page, copies and requests
    "citizens:data_rights": Route("login"),
    "citizens:export_request": Route("login", ok=302, method="POST"),
    "citizens:export_download": Route("applicant"),  # siti's copy; 404 to everyone else
    "citizens:rights_request_new": Route("login"),
    "citizens:account_close": Route("login"),  # the page; closing needs the password
    "citizens:office_requests": Route("data-protection-officer"),
    "citizens:office_answer": Route("data-protection-officer"),
    # the document vault and the consents: each person's own; nobody else's, officers included
    "citizens:vault": Route("login"),
    "citizens:vault_download": Route("applicant", sample="vault"),
    "citizens:vault_remove": Route("applicant", sample="vault"),
    "citizens:consents": Route("login"),
    "citizens:consent_withdraw": Route("applicant", sample="consent"),
    # attaching from the vault: the applicant (or the officer filing it at the counter); the
    # sample's requirement names no document types, so siti's attempt is refused on the page
    "citizens:attach_from_vault": Route(
        "applicant",
        ok=400,
        method="POST",
        sample="returned",
        data={"requirement": "surat_lahir", "vault_document": "1"},
    ),
    "citizens:access_log_csv": Route("login"),  # ... and downloads them
    # the reads by an agency's officers, and holding one back: its administrators (rina may
    # hold back budi's read of siti's application), and superusers
    "access_reads": Route("standards-admin"),
    "access_defer": Route("standards-admin"),
    "cases:detail": Route("applicant"),
    "cases:receipt": Route("applicant"),
    "cases:withdraw": Route("applicant"),
    "cases:tasks": Route("applicant", sample="returned"),
    "cases:answers": Route("applicant", sample="returned"),
    "cases:documents": Route("applicant", sample="returned"),
    "cases:check": Route("applicant", sample="returned"),
    "cases:remove_document": Route("applicant", ok=302, method="POST", sample="returned"),
    "cases:download": Route("viewer"),
    "cases:items": Route("step-worker", ok=302, method="POST"),
    # complaints: filing and reading are open to all; siti's own pages are hers
    "complaints:list": Route("public"),
    "complaints:file": Route("public"),
    "complaints:mine": Route("login"),
    "complaints:detail": Route("public", sample="complaint"),
    "complaints:receipt": Route("complainant", sample="complaint"),
    "complaints:complete": Route(
        "complainant", ok=302, method="POST", data={"note": "Ini kuitansinya."}, sample="incomplete"
    ),
    "complaints:feedback": Route("complaint-feedback", sample="resolved"),
    "complaints:attachment": Route("complainant", sample="complaint"),
    # the back office
    "office:queue": Route("officer"),
    "office:bulk_assign": Route("officer", ok=400, method="POST"),
    "office:overview": Route("supervisor"),
    "office:step": Route("unit-officer"),
    "office:action": Route(
        "unit-officer", ok=302, method="POST", data={"keputusan-action": "approve"}
    ),
    "office:comment": Route("unit-officer", ok=400, method="POST"),
    "office:assign": Route("unit-officer", ok=302, method="POST"),  # nobody chosen: unassigned
    "guarantees:compensations": Route("officer"),
    "guarantees:mark_paid": Route("finance", ok=302, method="POST", data={"reference": "TRF-1"}),
    # the treasurer's refund/compensation order (linked from the treasurer's page)
    "guarantees:treasurer_settle": Route("treasurer", sample="compensated"),
    "citizens:counter": Route("front-office"),
    "citizens:counter_receipt": Route("filing-officer", sample="counter"),
    # the complaints back office (the sample complaint: budi filed it at the counter for siti;
    # not yet forwarded, so Disdukcapil's counter officers and supervisors handle it)
    "complaints_office:queue": Route("officer"),
    "complaints_office:file": Route("front-office"),
    "complaints_office:export_csv": Route("officer"),
    "complaints_office:export_json": Route("officer"),
    "complaints_office:detail": Route("unit-officer"),
    "complaints_office:action": Route(
        "unit-officer",
        ok=302,
        method="POST",
        data={
            "tanggapan-revision": 0,
            "tanggapan-note": "Sedang diperiksa.",
            "tanggapan-public": "internal",
        },
    ),
    "complaints_office:attachment": Route("unit-officer"),
    "complaints_office:receipt": Route("filing-officer"),
    # the Django admin (its model pages are classified per model in ADMIN_MODELS)
    "admin:index": Route("staff"),
    # open data (transparency): public, no personal data
    "transparency:index": Route("public"),
    "transparency:services_jsonld": Route("public"),
    "transparency:catalogue_jsonld": Route("public"),
    "transparency:metric_csv": Route("public"),
    "transparency:metric_json": Route("public"),
    # public consultations (the sample: one open on the water test, siti's comment on it):
    # anyone reads; any signed-in account comments, takes a stance, reports, follows
    "consultations:list": Route("public"),
    "consultations:detail": Route("public"),
    "consultations:minutes": Route("public"),
    "consultations:report": Route("public", ok=404),  # published once adopted; it is open
    "consultations:comment": Route(
        "login", ok=302, method="POST", data={"fee-target": "fee", "fee-text": "Mahal."}
    ),
    "consultations:stance": Route("login", ok=302, method="POST", data={"stance": "support"}),
    "consultations:report_comment": Route("login", ok=302, method="POST"),
    "charters:follow": Route("login", ok=302, method="POST"),
    "charters:unfollow": Route("login", ok=302, method="POST"),
    "transparency:analytics": Route("agency-analyst"),
    # the maklumat and the evaluation of standards: administrators of the lead agency (and
    # superusers); rina, who administers one agency, is sent on to its page
    "evaluation:maklumat_home": Route("agency-admin", exceptions={AADMIN: 302, ROOT: OK}),
    "evaluation:maklumat": Route("agency-admin", exceptions={ROOT: OK}),
    "evaluation:evaluate": Route("agency-admin", exceptions={ROOT: OK}),
    "evaluation:start_draft": Route(
        "agency-admin", ok=302, method="POST", sample="evaluation", exceptions={ROOT: OK}
    ),
    "evaluation:public_list": Route("public"),
    "evaluation:public_detail": Route("public", sample="evaluation"),
    "admin:login": Route("public", exceptions={AADMIN: 302, ROOT: 302}),  # staff: to the index
    # the same page under the attempt limiter (layanan/urls.py puts it before the admin's own)
    "admin_login": Route("public", exceptions={AADMIN: 302, ROOT: 302}),
    "admin:logout": Route("public", ok=302, method="POST"),
    "admin:password_change": Route("staff"),
    "admin:password_change_done": Route("staff"),
    "admin:autocomplete": Route("staff", ok=403),  # without a known field, refused to all
    "admin:jsi18n": Route("staff"),
    "admin:view_on_site": Route("staff", ok=404),  # no model has a public page of its own
    "admin:app_list": Route("staff"),  # the charters app
    # the admin's catch-all: an unknown admin address is not revealed before sign-in
    "admin/(?P<url>.*)$": Route("staff", ok=404),
    # satisfaction surveys: the link's key is the only credential (no sign-in)
    "surveys:answer": Route("public"),
    # issued documents: verification and certificates are public; the file is the
    # applicant's and the issuing agency's case officers'; revoking is its approvers'
    "documents:verify_home": Route("public"),
    "documents:verify": Route("public", sample="issued"),
    "documents:certificates": Route("public"),
    "documents:certificate_pem": Route("public"),
    "documents:download": Route("viewer", sample="issued"),
    "documents:product": Route("viewer", ok=302, sample="issued"),
    "documents:revoke": Route("signing-officer", sample="issued"),
    # giving the file made elsewhere: approvers of the case's units, while the document waits for
    # it; the sample's product is generated, so it waits for none and is 404 to all
    "documents:upload": Route("signing-officer", sample="issued", exceptions={UNIT: 404}),
    # bills and receipts: the applicant, officers of the application's units, its treasurer
    "payments:bill": Route("viewer", sample="billed"),
    "payments:bill_pdf": Route("viewer", sample="billed"),
    # the bill has not expired: the applicant is sent back to it with a message
    "payments:renew": Route("applicant", ok=302, method="POST", sample="billed"),
    "payments:receipt": Route("viewer", sample="paid"),
    "payments:receipt_pdf": Route("viewer", sample="paid"),
    "payments:record": Route("treasurer", sample="billed"),
    # paying online: the applicant's; no gateway is configured here, so 404 for all
    "payments:pay_online": Route("applicant", ok=404, method="POST", sample="billed"),
    # the gateway's callback: no session counts, only its token (none sent here)
    "payments:gateway_callback": Route("public", ok=403, method="POST"),
    "payments:treasury": Route("treasurer-page"),
    "payments:treasury_csv": Route("treasurer-page"),
    "payments:statement": Route("treasurer-page", ok=400, method="POST"),  # no file given
    "surveys_office:index": Route("officer"),
    "surveys_office:paper": Route("front-office"),
    "surveys_office:import": Route("agency-admin"),
    # the agency's pages for new standards (a consultation of uji-air open for comments)
    "charters_office:index": Route("standards-admin"),
    "charters_office:start": Route("standards-admin", ok=302, method="POST"),
    "charters_office:draft": Route("standards-admin"),
    "charters_office:prepare": Route("standards-admin", ok=302, method="POST"),
    "charters_office:consultation": Route("standards-admin"),
    "charters_office:minutes": Route("standards-admin"),
    "charters_office:publish": Route("standards-admin", ok=409, method="POST"),  # published
    "charters_office:adopt": Route("standards-admin", ok=400, method="POST"),  # no date
    "charters_office:comments": Route("standards-admin"),
    "charters_office:answer": Route("standards-admin", ok=400, method="POST"),  # no decision
    "charters_office:hide": Route("standards-admin", ok=400, method="POST"),  # no reason
    "surveys_office:report": Route("survey-report"),
    "surveys_office:report_csv": Route("survey-report"),
    # Open311 GeoReport v2: public reading and (with an api_key, not a session) posting;
    # signed-in people get exactly what anyone gets
    "open311:discovery": Route("public"),
    "open311:services": Route("public"),
    "open311:service": Route("public"),
    "open311:requests": Route("public"),
    "open311:request": Route("public", sample="complaint"),
    "open311:token": Route("public", sample="complaint"),
    "open311:not_found": Route("public", ok=404),  # the specification's 404 body
    "open311:root": Route("public", ok=404),
    # the providers' webhooks: a signature, not a session, lets a call in; unsigned (as
    # here) they refuse everyone alike (notifications.tests.test_webhooks signs them)
    "webhooks:whatsapp": Route("public", ok=403),
    "webhooks:sms": Route("public", ok=403, method="POST"),
    "webhooks:sms_status": Route("public", ok=403, method="POST"),
}

# The admin's model pages: who may use them (rule), the views that are refused to everyone
# because the model is read-only or append-only there, and the views an agency administrator
# may not use on her own agency's rows (adding accounts or agencies, deleting units).
ADMIN_MODELS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "auth.group": ("superuser-model", frozenset(), frozenset()),
    "django_tasks_database.dbtaskresult": (
        "superuser-model",
        frozenset({"add", "delete"}),
        frozenset(),
    ),
    "accounts.user": ("agency-model", frozenset(), frozenset({"add", "delete", "password"})),
    "accounts.accountevent": ("superuser-model", frozenset({"add", "delete"}), frozenset()),
    "accounts.dataaccess": ("superuser-model", frozenset({"add", "delete"}), frozenset()),
    "accounts.accessdeferral": ("superuser-model", frozenset({"add", "delete"}), frozenset()),
    "agencies.agency": ("agency-model", frozenset(), frozenset({"add", "delete"})),
    "agencies.unit": ("agency-model", frozenset(), frozenset({"delete"})),
    "agencies.officerrole": ("agency-model", frozenset(), frozenset()),
    "agencies.servicehours": ("agency-model", frozenset(), frozenset()),
    "agencies.calendarday": ("agency-model", frozenset({"delete"}), frozenset()),  # set it open
    "charters.service": ("agency-model", frozenset(), frozenset({"delete"})),
    "charters.charter": ("agency-model", frozenset({"delete"}), frozenset()),
    "citizens.passwordsetupcode": ("superuser-model", frozenset({"add", "delete"}), frozenset()),
    "complaints.category": ("agency-model", frozenset(), frozenset()),
    "complaints.handlingrules": ("agency-model", frozenset(), frozenset()),
    # a key is deactivated, never deleted: complaints name the client that sent them
    "complaints.open311key": ("superuser-model", frozenset({"delete"}), frozenset()),
}
# The Django permissions an agency administrator holds in the admin (the models above
# marked "agency-model").
AGENCY_ADMIN_MODELS = [
    label for label, (name, _views, _theirs) in ADMIN_MODELS.items() if name == "agency-model"
]
ADMIN_VIEWS = {"changelist": 200, "add": 200, "history": 200, "delete": 200, "change": 200}

# API operations, by "METHOD /path" as the OpenAPI schema names them.
API: dict[str, Route] = {
    "GET /api/v1/verify/{code}": Route("api-public", sample="issued"),
    "POST /api/v1/verify": Route("api-public", data={"file": "issued"}),
    "GET /api/v1/documents/{code}/file": Route("api-viewer", sample="issued"),
    # the sample's product is generated: it waits for no file, so 404 to all
    "POST /api/v1/documents/{code}/upload": Route(
        "api-signing-officer",
        sample="issued",
        data={"file": "issued"},
        exceptions={UNIT: 404},
    ),
    "POST /api/v1/documents/{code}/revoke": Route(
        "api-signing-officer", sample="issued", data={"reason": "Salah cetak."}
    ),
    "POST /api/v1/auth/token": Route("api-public", data={"username": "siti", "password": PASSWORD}),
    "POST /api/v1/auth/logout": Route("api-token", ok=204),
    # forgotten password by phone: anyone may ask, and the answer is the same for everyone
    # (no account has this number); no code was sent to it, so confirming is 400 for all
    "POST /api/v1/auth/password-reset/phone": Route(
        "api-public", ok=202, data={"phone": "0812 0000 0009", "channel": "sms"}
    ),
    "POST /api/v1/auth/password-reset/phone/confirm": Route(
        "api-public",
        ok=400,
        data={"phone": "0812 0000 0009", "code": "123456", "password": PASSWORD},
    ),
    "GET /api/v1/services": Route("api-public"),
    "GET /api/v1/document-types": Route("api-public"),
    # the vault and consents: the caller's own; another person's does not exist (404)
    # the caller's own profile
    "GET /api/v1/me": Route("api-token"),
    "PATCH /api/v1/me": Route("api-token", data={"birth_place": "Semarang"}),
    "GET /api/v1/me/documents": Route("api-token"),
    # "requirement" makes the matrix send a file (multipart); the vault ignores the key
    "POST /api/v1/me/documents": Route(
        "api-token", ok=201, data={"requirement": "-", "type": "kk"}
    ),
    "GET /api/v1/me/documents/{pk}/file": Route("api-applicant", sample="vault"),
    "DELETE /api/v1/me/documents/{pk}": Route("api-applicant", ok=204, sample="vault"),
    "GET /api/v1/me/consents": Route("api-token"),
    "POST /api/v1/me/consents/{pk}/withdraw": Route("api-applicant", sample="consent"),
    "GET /api/v1/services/{code}": Route("api-public"),
    "GET /api/v1/track/{number}": Route("api-public"),
    "POST /api/v1/applications": Route("api-token", ok=201, data={"service": "akta-kelahiran"}),
    "GET /api/v1/applications": Route("api-token"),
    "GET /api/v1/me/access-log": Route("api-token"),  # the reads of the caller's own data
    "GET /api/v1/applications/{number}": Route("api-viewer"),
    "PATCH /api/v1/applications/{number}": Route(
        "api-applicant", sample="returned", data={"answers": {"nama_anak": "Putra"}}
    ),
    "POST /api/v1/applications/{number}/documents": Route(
        "api-applicant", ok=201, sample="returned", data={"requirement": "surat_lahir"}
    ),
    "DELETE /api/v1/applications/{number}/documents/{requirement}": Route(
        "api-applicant", ok=204, sample="returned"
    ),
    "POST /api/v1/applications/{number}/submit": Route("api-applicant", sample="draft"),
    "POST /api/v1/applications/{number}/resubmit": Route("api-applicant", sample="returned"),
    "POST /api/v1/applications/{number}/withdraw": Route("api-applicant"),
    "POST /api/v1/applications/{number}/steps/{key}/actions": Route(
        "api-unit-officer", data={"action": "approve"}
    ),
    "POST /api/v1/applications/{number}/payments": Route(
        "api-treasurer",
        ok=201,
        sample="billed",
        data={"amount": 85000, "method": "tunai", "reference": "BKU-1"},
    ),
    # complaints: anyone files (a token makes it the account's own) and reads the public list
    "POST /api/v1/complaints": Route(
        "api-public",
        ok=201,
        data={
            "agency": "disdukcapil",
            "category": "pungli",
            "description": "Petugas meminta uang tambahan.",
        },
    ),
    "GET /api/v1/complaints": Route("api-public"),
    # the rights under UU 27/2022: every account its own; siti's copy is hers alone
    "POST /api/v1/me/export": Route("api-token", ok=202),
    "GET /api/v1/me/export/{export_id}": Route("api-applicant"),
    "GET /api/v1/me/rights-requests": Route("api-token"),
    "POST /api/v1/me/rights-requests": Route(
        "api-token",
        ok=201,
        data={"kind": "correction", "data": "Alamat", "details": "Nomor rumah salah."},
    ),
    "POST /api/v1/me/close": Route("api-close", data={"password": PASSWORD}),
    "GET /api/v1/complaints/{number}": Route("api-complaint-confidential", sample="confidential"),
    "POST /api/v1/complaints/{number}/actions": Route(
        "api-unit-officer", sample="complaint", data={"action": "verify"}
    ),
    # public consultations: anyone reads; any account comments, takes a stance and reports
    "GET /api/v1/consultations": Route("api-public"),
    "GET /api/v1/consultations/{consultation_id}": Route("api-public"),
    "GET /api/v1/consultations/{consultation_id}/report": Route(
        "api-public", sample="consultation-set"
    ),
    "POST /api/v1/consultations/{consultation_id}/comments": Route(
        "api-token", ok=201, data={"component": "facilities", "text": "Tambah kursi roda."}
    ),
    "PUT /api/v1/consultations/{consultation_id}/stances/{component}": Route(
        "api-token", data={"stance": "support"}
    ),
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/report": Route(
        "api-token", ok=201, data={"reason": "Menyinggung."}
    ),
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/hide": Route(
        "api-agency-admin", data={"reason": "Kata-kata kasar."}
    ),
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/answer": Route(
        "api-agency-admin", data={"decision": "accepted", "text": "Terima kasih."}
    ),
    "POST /api/v1/consultations/{consultation_id}/adopt": Route(
        "api-agency-admin",
        sample="consultation-ended",
        data={"effective_date": (timezone.now() + dt.timedelta(days=30)).date().isoformat()},
    ),
}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    """(route, namespaced name, callback) of every URL pattern."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name or ''}", entry.callback


def model_admin_of(callback: Any) -> ModelAdmin | None:
    """The ModelAdmin behind an admin URL's view, or None for other views."""
    found = getattr(callback, "model_admin", None)
    if found is None:  # a ModelAdmin's extra URL (a user's password) wraps a bound method
        found = getattr(getattr(callback, "__wrapped__", None), "__self__", None)
    return found if isinstance(found, ModelAdmin) else None


def schema_path(route: str) -> str:
    """An API URL pattern written as the schema writes paths: /api/v1/applications/{number}."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR)
class MatrixTestCase(BaseTestCase):
    """The people, one application in each state the routes need, and how to call."""

    rina: User
    applications: dict[str, Application]
    complaints: dict[str, Complaint]
    complaint: Complaint
    category: Category
    compensation: Compensation
    evaluation: Evaluation
    document: IssuedDocument
    vault_document: VaultDocument
    consent: Consent
    rows: dict[str, str]
    survey_key: str
    consultation: Consultation
    consultations: dict[str, Consultation]
    consultation_comment: Comment
    api_comment: Comment
    export: DataExport
    rights_request: RightsRequest

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)
        cls.rina = cls.make_user("rina", "Rina Marlina", is_staff=True)
        OfficerRole.objects.create(user=cls.rina, unit=cls.loket, role=Role.AGENCY_ADMIN)
        group = Group.objects.create(name="Admin instansi")
        for label in AGENCY_ADMIN_MODELS:
            app_label, model = label.split(".")
            content_type = ContentType.objects.get(app_label=app_label, model=model)
            group.permissions.add(*Permission.objects.filter(content_type=content_type))
        cls.rina.groups.add(group)
        send_message.enqueue(0)  # a task result row for the admin's task pages
        CalendarDay.objects.create(
            agency=cls.disdukcapil, date=dt.date(2026, 12, 24), kind="closed", name="Cuti"
        )
        ServiceHours.objects.create(
            agency=cls.disdukcapil, weekday=5, opens=dt.time(8), closes=dt.time(12)
        )

        scenario = cls()
        submitted = scenario.submitted()
        # budi reads siti's answers: a row of the access log for the admin's log pages
        actions.record_access(
            application=submitted,
            officer=cls.budi,
            place=DataAccess.Place.OFFICE_STEP,
            what="answers",
        )
        # rina holds an older read back for an investigation: a deferral for the admin pages
        held = DataAccess.objects.create(
            citizen=cls.siti,
            reader=cls.budi,
            place=DataAccess.Place.OFFICE_DOCUMENT,
            at=timezone.now(),
            agency=cls.disdukcapil,
            agency_name="Disdukcapil",
        )
        defer_read(
            read=held,
            by=cls.rina,
            until=timezone.localdate() + dt.timedelta(days=1),
            reason="Pemeriksaan",
            now=timezone.now(),
        )
        returned = scenario.submitted()
        actions.act_on_step(
            application=returned,
            step=returned.steps.get(key="verifikasi"),
            officer=cls.budi,
            action="return",
            note="Surat keterangan lahir tidak terbaca.",
        )
        draft, _created = actions.create_application(
            citizen=cls.siti, service=cls.akta, answers=ANSWERS
        )
        actions.attach_document(
            application=draft,
            user=cls.siti,
            requirement="surat_lahir",
            upload=SimpleUploadedFile("lahir.pdf", PDF),
        )
        counter = file_at_counter(
            officer=cls.budi,
            service=cls.akta,
            contact="0812 9999 0000",
            full_name="Tono Sugiarto",
            nik="3399011203800003",
        )
        actions.update_answers(application=counter, citizen=cls.budi, answers=ANSWERS)
        actions.attach_document(
            application=counter,
            user=cls.budi,
            requirement="surat_lahir",
            upload=SimpleUploadedFile("lahir.pdf", PDF),
        )
        counter = actions.submit_application(application=counter, citizen=cls.budi)
        issue_password_setup_code(officer=cls.budi, application=counter)
        # a completed application whose product was issued and signed
        completed = scenario.submitted()
        for key in ("verifikasi", "terbit"):
            completed = actions.act_on_step(
                application=completed,
                step=completed.steps.get(key=key),
                officer=cls.budi,
                action="approve",
                note="",
            )
        with override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR):
            keys.ensure_demo_certificates(now=timezone.now(), region="Kabupaten Contoh")
            issuing.run()
        cls.document = IssuedDocument.objects.get(application=completed, state="issued")
        cls.applications = {
            "submitted": submitted,
            "returned": returned,
            "draft": draft,
            "counter": counter,
            "issued": completed,
        }
        # siti's document vault, and a consent of hers on her draft
        cls.vault_document = vault.add_document(
            owner=cls.siti, type="kk", upload=SimpleUploadedFile("kk.pdf", PDF)
        )
        cls.consent = Consent.objects.create(
            citizen=cls.siti,
            application=draft,
            kind=Consent.Kind.PROFILE,
            what="Alamat dari profil Anda",
            agencies=[{"code": "disdukcapil", "name": cls.disdukcapil.name}],
            purpose="Permohonan akta kelahiran",
            channel=Consent.Channel.WEB,
            given_by=cls.siti,
            given_at=timezone.now(),
        )
        # a water test paid before the result is issued: one awaiting payment with its bill,
        # one paid (budi is the treasurer of Disdukcapil too)
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.TREASURER)
        water = cls.akta.__class__.objects.create(
            code="uji-air",
            name="Uji Kualitas Air",
            lead_agency=cls.disdukcapil,
            category="kesehatan",
            channels=["online"],
        )
        cls.adopt(
            water,
            charter_content(
                fee={"amount": 85000, "legal_basis": "Perda 1/2024", "due": "before_issue"}
            ),
        )
        for sample in ("billed", "paid"):
            application = scenario.submitted(service=water)
            for key in ("verifikasi", "terbit"):
                application = actions.act_on_step(
                    application=application,
                    step=application.steps.get(key=key),
                    officer=cls.budi,
                    action="approve",
                )
            issue_awaited_bills()
            if sample == "paid":
                record_payment(
                    application=application,
                    officer=cls.budi,
                    amount=85000,
                    method="transfer",
                    reference="TRX-1",
                )
            cls.applications[sample] = application
        # a consultation open now on the water test's next version, with siti's comment
        cls.consultation = published_consultation(water, by=cls.root)
        cls.consultation_comment = consultations.write_comment(
            consultation=cls.consultation, author=cls.siti, target="fee", text="Terlalu mahal."
        )
        # a late application of siti's whose guarantee owes her compensation
        guaranteed = cls.akta.__class__.objects.create(
            code="izin-tepat",
            name="Izin Tepat Waktu",
            lead_agency=cls.disdukcapil,
            category="perizinan",
            channels=["online"],
        )
        cls.adopt(
            guaranteed,
            charter_content(
                fee={"amount": 80000, "legal_basis": "Perda 1/2026"},
                clock_starts="submission",
                guarantee={"compensation": {"kind": "fixed", "amount": 25000}},
            ),
        )
        late = scenario.submitted(service=guaranteed, at=MONDAY)
        assert late.due_at is not None
        sweep(late.due_at + dt.timedelta(minutes=1))
        cls.compensation = Compensation.objects.get(application=late)
        cls.evaluation = record_evaluation(
            service=cls.akta,
            by=cls.rina,
            kind="yearly",
            conclusions="Persyaratan sudah sesuai.",
            period_start=dt.date(2025, 12, 1),
            period_end=dt.date(2026, 11, 2),
            evidence={},
        )
        cls.applications["compensated"] = late
        cls.survey_key = make_invitation(late)  # its satisfaction-survey link
        # siti's complaints, one in each state the complaint pages need
        complaint_actions.ensure_builtin_categories(cls.disdukcapil)
        umum = Category.objects.get(agency=cls.disdukcapil, code="umum")
        cls.complaints = {}
        for state in ("complaint", "incomplete", "resolved"):
            complaint, _key = complaint_actions.file_complaint(
                filing=complaint_actions.Filing(
                    category=umum, description="Antrean loket tidak dilayani satu jam."
                ),
                complainant=cls.siti,
                attachments=[SimpleUploadedFile("antrean.pdf", PDF)],
            )
            if state == "incomplete":
                complaint_actions.request_completion(
                    complaint=complaint, officer=cls.ani, note="Lampirkan nomor antrean."
                )
            elif state == "resolved":
                complaint_actions.verify_complaint(complaint=complaint, officer=cls.ani)
                complaint_actions.resolve_complaint(
                    complaint=complaint, officer=cls.ani, outcome="Loket ditambah."
                )
            cls.complaints[state] = complaint
        # and a confidential one (rahasia), not yet forwarded: the agency's desk handles it
        pungli = Category.objects.get(agency=cls.disdukcapil, code="pungli")
        filing = complaint_actions.Filing(
            category=pungli, description="Petugas meminta uang tambahan.", privacy="rahasia"
        )
        cls.complaints["confidential"], _key = complaint_actions.file_complaint(
            filing=filing, complainant=cls.siti
        )
        # a complaint budi filed at the counter for siti, with an attachment; a category of
        # Disdukcapil's own (built-in ones are never deleted), its time limits, an Open311 key
        complaint_actions.ensure_builtin_categories(cls.disdukcapil)
        cls.category = Category.objects.create(
            agency=cls.disdukcapil, code="layanan-lambat", name="Pelayanan lambat"
        )
        HandlingRules.objects.create(agency=cls.disdukcapil, verify_working_days=2)
        Open311Key.objects.create(name="Aplikasi warga", key_hash="0" * 64, key_prefix="00000000")
        cls.complaint, _key = complaint_actions.file_complaint(
            filing=complaint_actions.Filing(
                category=Category.objects.get(agency=cls.disdukcapil, code="pungli"),
                description="Diminta uang Rp50.000 di loket.",
            ),
            complainant=cls.siti,
            channel="loket",
            filed_by=cls.budi,
            attachments=[SimpleUploadedFile("kuitansi.pdf", PDF, "application/pdf")],
        )
        # public consultations on three Disdukcapil services: one open, with agus's comment;
        # one whose period ended (nothing to answer); one set as the standard (its report).
        # Disdukcapil here works on Saturdays only (its service hours above): 7 working days
        # are 7 weeks, so the ended ones were published 80 days ago
        cls.consultations = {}
        for index, (sample, days_ago) in enumerate(
            (("consultation", 0), ("consultation-ended", 80), ("consultation-set", 80))
        ):
            service = cls.akta.__class__.objects.create(
                code=f"konsultasi-{index}",
                name=f"Layanan Konsultasi {index}",
                lead_agency=cls.disdukcapil,
                category="kependudukan",
                channels=["online"],
            )
            cls.adopt(service, charter_content())
            cls.consultations[sample] = published_consultation(
                service,
                by=cls.root,
                now=timezone.now() - dt.timedelta(days=days_ago) if days_ago else None,
            )
        cls.api_comment = consultations.write_comment(
            consultation=cls.consultations["consultation"],
            author=cls.agus,
            target="facilities",
            text="Ruang tunggu terlalu sempit.",
        )
        cls.export = request_export(citizen=cls.siti, language="id")
        build_export.call(cls.export.pk)
        cls.rights_request = file_rights_request(
            citizen=cls.siti, kind="correction", data="Alamat", details="Nomor rumah salah."
        )
        set_one = cls.consultations["consultation-set"]
        consultations.adopt_consultation(
            consultation=set_one,
            by=cls.root,
            effective_date=set_one.charter.service.day_of_filing(),
        )

    def setUp(self) -> None:
        self.clients = {persona: Client() for persona in PERSONAS}
        self.tokens: dict[str, str] = {}
        for persona, user in self.people().items():
            self.clients[persona].force_login(user)
            mark_verified(self.clients[persona], user)  # the admin admits verified sessions
            self.tokens[persona], row = issue_token(user)
            if persona == CIT:
                self.citizens_token = row.pk
        self.sessions = {
            persona: client.cookies.get(settings.SESSION_COOKIE_NAME)
            for persona, client in self.clients.items()
        }

    def people(self) -> dict[str, User]:
        return {
            CIT: self.siti,
            OTHER: self.agus,
            UNIT: self.budi,
            ELSEWHERE: self.charlie,
            SUP: self.ani,
            AADMIN: self.rina,
            ROOT: self.root,
        }

    # -- the routes ----------------------------------------------------------------------------

    def web_routes(self) -> list[tuple[str, str, Any]]:
        """(key, route, callback) of every URL that is not an API operation."""
        operations = {path for path, _method in self.api_operations()}
        found = []
        for route, name, callback in walk(get_resolver().url_patterns):
            if name.startswith("api:") and schema_path(route) in operations:
                continue
            key = route if name.endswith(":") or not name else name
            found.append((key, route, callback))
        return found

    def api_operations(self) -> list[tuple[str, str]]:
        schema = self.client.get("/api/v1/openapi.json").json()
        return [
            (path, method.upper())
            for path, operations in schema["paths"].items()
            for method in operations
        ]

    def admin_model(self, key: str, callback: Any) -> tuple[str, str] | None:
        """(model label, view) of an admin model page, e.g. ("agencies.unit", "change")."""
        model_admin = model_admin_of(callback)
        if model_admin is None or not key.startswith(("admin:", "admin/")):
            return None
        if key.endswith("_password_change"):
            view = "password"
        elif "_" in key and key.startswith("admin:"):
            view = key.rsplit("_", 1)[1]
        else:
            view = "redirect"
        return model_admin.model._meta.label_lower, view

    # -- what each route should answer ---------------------------------------------------------

    def expected_web(self, key: str, callback: Any) -> tuple[Route, dict[str, int]] | None:
        model_view = self.admin_model(key, callback)
        if model_view is not None:
            label, view = model_view
            if label not in ADMIN_MODELS:
                return None
            rule_name, refused, not_hers = ADMIN_MODELS[label]
            ok = {"redirect": 302, "password": 200}.get(view) or ADMIN_VIEWS[view]
            if view in refused:
                ok = 403
            statuses = RULES[rule_name]
            if view == "redirect":  # object_id/ only redirects to the change page, for staff
                statuses = {**statuses, AADMIN: OK}
            elif view in not_hers:
                statuses = {**statuses, AADMIN: 403}
            return Route(rule_name, ok=ok), statuses
        route = WEB.get(key)
        if route is None:
            return None
        return route, {**RULES[route.rule], **route.exceptions}

    # -- calling ------------------------------------------------------------------------------

    def sample(self, name: str, route: Route, callback: Any) -> dict[str, str]:
        complaint = self.complaints.get(route.sample)
        application = self.applications.get(route.sample, self.applications["submitted"])
        values = {
            "number": application.number,
            "key": "verifikasi",
            "code": "akta-kelahiran",
            "page": "data",
            "requirement": "surat_lahir",
            "document_id": str(application.documents.get(replaced=False).pk),
            "pk": str(self.compensation.pk),
            "uidb64": "MQ",
            "token": "set-password",
            "app_label": "charters",
            "url": "tidak-ada/",
            "token_id": str(self.citizens_token),  # siti's own API token
            "kunci": self.survey_key,
            "metric": "permohonan",  # an open-data file of a month that has passed
            "month": "2020-01",
            "agency": "disdukcapil",
            "consultation_id": str(self.consultation.pk),
            "component": "fee",
            "comment_id": str(self.consultation_comment.pk),
            "export_id": str(self.export.pk),  # siti's ready copy of her data
            "fmt": "html",
            "request_id": str(self.rights_request.pk),  # siti's correction request
        }
        if name == "access_defer":
            read = DataAccess.objects.filter(agency=self.disdukcapil).values_list("pk", flat=True)
            values["pk"] = str(read[0])
        if name.startswith("agencies:"):
            values["code"] = "disdukcapil"
        if route.sample == "evaluation":
            values["pk"] = str(self.evaluation.pk)
        if route.sample == "issued":
            values["code"] = self.document.code
        if route.sample == "vault":
            values["pk"] = str(self.vault_document.pk)
        if route.sample == "consent":
            values["pk"] = str(self.consent.pk)
        values["slug"] = "root"
        if complaint is not None:
            values["number"] = complaint.number
            values["token"] = complaint.token
            attachment = complaint.attachments.first()
            if attachment is not None:
                values["attachment_id"] = str(attachment.pk)
        if name.startswith("open311:"):
            values.update(code="disdukcapil.pungli", fmt="json", rest="tidak-ada.json")
        if name.startswith("charters_office:"):
            values["pk"] = str(self.consultation.pk)
            values["charter_id"] = str(self.consultation.charter_id)
            values["comment_id"] = str(self.consultation.comments.get().pk)
        if name.startswith("complaints_office:"):
            values["number"] = self.complaint.number
            values["action"] = "tanggapan"
            values["attachment_id"] = str(self.complaint.attachments.get().pk)
        if not name.startswith(("consultations:", "charters_office:")):
            # the API's samples (the web pages use the water test's consultation above)
            consultation = self.consultations.get(route.sample, self.consultations["consultation"])
            values["consultation_id"] = str(consultation.pk)
            values["comment_id"] = str(self.api_comment.pk)
            values["component"] = "facilities"
        model_admin = model_admin_of(callback)
        if model_admin is not None:
            values["object_id"] = values["id"] = self.admin_row(model_admin.model)
        if name == "admin:view_on_site":
            values["content_type_id"] = str(ContentType.objects.get_for_model(Application).pk)
            values["object_id"] = str(self.applications["submitted"].pk)
        return values

    def admin_row(self, model: Any) -> str:
        """A real row of the model, one of Disdukcapil's where rows belong to agencies."""
        preferred = {
            "agencies.agency": self.disdukcapil.pk,
            "agencies.unit": self.loket.pk,
            "charters.service": self.akta.pk,
            "charters.charter": self.akta_v1.pk,
            # budi holds roles in Disdukcapil only: one of rina's officers
            "accounts.user": self.budi.pk,
            "auth.group": Group.objects.get().pk,
            "complaints.category": self.category.pk,
            "complaints.handlingrules": HandlingRules.objects.get(agency=self.disdukcapil).pk,
        }
        pk = preferred.get(model._meta.label_lower)
        if pk is None:
            row = model.objects.order_by("pk").first()
            assert row is not None, f"the scenario has no {model._meta.label} to open"
            pk = row.pk
        return str(pk)

    def concrete(self, route: str, values: dict[str, str]) -> str:
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
        return "/" + url.replace("^", "").replace("$", "").replace("\\", "")

    def call(self, persona: str, method: str, url: str, data: dict[str, Any], *, api: bool) -> Any:
        """One request as `persona`, rolled back afterwards (the session too)."""
        client = self.clients[persona]
        session = self.sessions[persona]
        if session is not None:  # a sign-out in the last request was rolled back, not the cookie
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        headers = {}
        if api and persona in self.tokens:
            headers["Authorization"] = f"Bearer {self.tokens[persona]}"
        payload: dict[str, Any] = {}
        if api and method in ("POST", "PATCH") and "requirement" in data:
            payload = {**data, "file": SimpleUploadedFile("lahir.pdf", PDF)}
        elif api and data.get("file") == "issued":
            with self.document.file.open("rb") as handle:
                payload = {"file": SimpleUploadedFile("akta.pdf", handle.read())}
        elif api and data:
            payload = {"data": data, "content_type": "application/json"}
        with transaction.atomic():
            if api and "file" in payload:
                response = client.post(url, payload, headers=headers)
            elif api:
                response = getattr(client, method.lower())(url, headers=headers, **payload)
            else:
                response = getattr(client, method.lower())(url, data, headers=headers)
            transaction.set_rollback(True)
        return response

    def check(self, persona: str, response: Any, wanted: int, ok: int, url: str) -> None:
        if wanted == OK:
            self.assertEqual(response.status_code, ok, f"{persona} {url}")
        elif wanted == LOGIN:
            self.assertEqual(response.status_code, 302, f"{persona} {url}")
            self.assertRegex(response["Location"], r"^/masuk/\?next=")
        elif wanted == ADMIN_LOGIN:
            self.assertEqual(response.status_code, 302, f"{persona} {url}")
            self.assertRegex(response["Location"], r"^/admin/login/\?next=")
        else:
            self.assertEqual(response.status_code, wanted, f"{persona} {url}")


class AuthorisationMatrixTests(MatrixTestCase):
    def test_every_route_is_classified(self) -> None:
        unclassified = [
            key
            for key, _route, callback in self.web_routes()
            if self.expected_web(key, callback) is None
        ]
        unclassified += [
            f"{method} {path}"
            for path, method in self.api_operations()
            if f"{method} {path}" not in API
        ]
        self.assertEqual(
            unclassified,
            [],
            "classify these routes in layanan/portal/tests/test_authorisation_matrix.py "
            "(WEB, ADMIN_MODELS or API): who may use them, and what they answer",
        )
        known = {key for key, _route, _callback in self.web_routes()}
        self.assertEqual(set(WEB) - known, set(), "WEB names routes that no longer exist")
        operations = {f"{method} {path}" for path, method in self.api_operations()}
        self.assertEqual(set(API) - operations, set(), "API names operations that no longer exist")

    def test_every_page_answers_each_persona_as_its_rule_says(self) -> None:
        checked = 0
        for key, route_text, callback in self.web_routes():
            expected = self.expected_web(key, callback)
            if expected is None:
                continue  # reported by test_every_route_is_classified
            route, statuses = expected
            url = self.concrete(route_text, self.sample(key, route, callback))
            for persona in PERSONAS:
                with self.subTest(route=key, persona=persona, url=url):
                    response = self.call(persona, route.method, url, route.data, api=False)
                    self.check(persona, response, statuses[persona], route.ok, url)
                    checked += 1
        self.assertGreater(checked, 100 * len(PERSONAS))

    def test_every_api_operation_answers_each_persona_as_its_rule_says(self) -> None:
        checked = 0
        for path, method in self.api_operations():
            route = API.get(f"{method} {path}")
            if route is None:
                continue  # reported by test_every_route_is_classified
            url = self.concrete(
                path.lstrip("/").replace("{", "<").replace("}", ">"),
                self.sample("api", route, None),
            )
            for persona in PERSONAS:
                with self.subTest(operation=f"{method} {path}", persona=persona):
                    response = self.call(persona, method, url, route.data, api=True)
                    wanted = {**RULES[route.rule], **route.exceptions}[persona]
                    self.check(persona, response, wanted, route.ok, url)
                    if response.status_code in (401, 403, 404):
                        self.assertIn("code", response.json())
                    checked += 1
        self.assertEqual(checked, len(API) * len(PERSONAS))


class AgencyAdministratorTests(MatrixTestCase):
    """Found while writing the matrix: the agency administrator role alone opened every
    application of the unit (answers, documents, the step page) and listed them in the API."""

    def test_the_role_alone_reads_no_application_and_records_no_read(self) -> None:
        application = self.applications["submitted"]
        document = application.documents.get()
        base = f"/permohonan/{application.number}"
        for url in (
            f"/kantor/langkah/{application.number}/verifikasi/",
            f"{base}/dokumen/{document.pk}/",
        ):
            self.assertEqual(self.call(AADMIN, "GET", url, {}, api=False).status_code, 404)
        listed = self.call(AADMIN, "GET", "/api/v1/applications", {}, api=True)
        self.assertEqual((listed.status_code, listed.json()["count"]), (200, 0))
        self.assertFalse(application.events.filter(kind="data_viewed", actor=self.rina).exists())
        # her back-office pages still open: the queue (empty) and the compensations to settle
        self.assertEqual(self.call(AADMIN, "GET", "/kantor/", {}, api=False).status_code, 200)
        owed = self.call(AADMIN, "GET", "/kantor/kompensasi/", {}, api=False)
        self.assertContains(owed, self.compensation.application.number)
        # an officer of the unit still reads it, and the read is recorded for the citizen
        response = self.call(UNIT, "GET", f"{base}/dokumen/{document.pk}/", {}, api=False)
        self.assertEqual(response.status_code, 200)
