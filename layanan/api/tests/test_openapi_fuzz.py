"""Generated requests against the published OpenAPI schema never produce a server error.

Schemathesis reads /api/v1/openapi.json from the WSGI application and builds, for every
operation, requests that fit the schema and requests that break it (wrong types, missing fields,
junk headers, bodies and bearer tokens). Each request is sent three times: as generated (no
token, or a made-up one), as siti (citizen) and as budi (officer of both Disdukcapil units). The
claims: nothing answers 5xx, and every 4xx carries the API's error shape {code, message, fields}.
Two companions walk what generation reaches rarely or never: text no database can store, put
into each text field of a valid request, and the methods the schema does not list.

The requests go through Django's test client, not Schemathesis' own WSGI call: the WSGI handler
fires `request_finished`, whose `close_old_connections` would break the test's transaction,
while the test client leaves it alone and hands back the exception behind a 500. Schemathesis'
pytest integration (`schema.parametrize`) is not used: under pytest 9.2 its items share one node
id, which pytest-xdist cannot schedule; plain `@given` over `operation.as_strategy()` can.

Isolation: pytest-django's `db` wraps each test in a transaction holding the scenario of
`layanan.test` plus two applications of siti. Every request runs in a savepoint that is rolled
back, and the cache (sign-in throttle) is emptied, so each example starts from the same state:
runs and shrinking stay deterministic, and a failed query on PostgreSQL cannot poison the
requests after it.

Examples: 150 per operation on SQLite, 50 on PostgreSQL. The generated requests are the same
on both (derandomized); the views' answers to them do not depend on the database, except where
text meets the database, which the unstorable-text companion walks in full on both. The second
run would mostly repeat the first at three times its cost, in a CI budget of 20 minutes.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from werkzeug.test import EnvironBuilder

from layanan.charters import consultations
from layanan.citizens.exports import build_export, request_export
from layanan.test import PASSWORD, PDF, Scenario, otp_for, published_consultation
from layanan.wsgi import application

ANSWERS = {"nama_anak": "Putri", "nik_ibu": "3374015508900001", "jenis_kelamin": "p"}
IDENTITIES = (None, "siti", "budi")
APP_DIR = str(Path(__file__).resolve().parents[2])

# Rows the generator may point at besides its own values, so that requests also get past "unknown
# number" into the workflow. The numbers are stand-ins: `send` swaps in those of the applications
# the fixture created. Each dict is one coherent target (budi may act on `verifikasi` of the
# submitted application).
DRAFT, SUBMITTED = "draft-number", "submitted-number"
# the open consultation on akta-kelahiran and agus's comment in it
CONSULTATION, COMMENT = "consultation-id", "comment-id"
# siti's copy of her data (ready)
EXPORT = "export-id"
KNOWN_TARGETS = [
    {
        "number": SUBMITTED,
        "key": "verifikasi",
        "code": "akta-kelahiran",
        "requirement": "surat_lahir",
        "consultation_id": CONSULTATION,
        "comment_id": COMMENT,
        "component": "facilities",
        "export_id": EXPORT,
        "pk": "1",  # a vault document or consent id: nobody's here, so 404 once it is valid
    },
    {"number": SUBMITTED, "key": "terbit", "code": "akta-kelahiran", "requirement": "surat_lahir"},
    {"number": DRAFT, "key": "verifikasi", "code": "akta-kelahiran", "requirement": "surat_lahir"},
]
KNOWN_BODY_VALUES: dict[str, list[Any]] = {
    "username": ["siti", "budi"],
    "password": [PASSWORD],
    "service": ["akta-kelahiran"],
    "action": ["approve", "return", "reject"],
    "requirement": ["surat_lahir"],
    "component": ["facilities", "requirements.surat_lahir"],
    "stance": ["support", "oppose"],
    "decision": ["accepted", "partly", "rejected"],
    "channel": ["whatsapp", "sms"],
    "phone": ["0812 0000 0001"],
}
# Answers to the form of akta-kelahiran: right keys, values of any JSON type.
ANSWER_SETS = st.dictionaries(
    st.sampled_from([*ANSWERS, "bukan_pertanyaan"]),
    st.one_of(
        st.sampled_from(list(ANSWERS.values())),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.lists(st.integers(), max_size=2),
    ),
    max_size=4,
)

# A request per operation that gets past validation and lookups, to spoil one value at a time.
VALID_TARGET = KNOWN_TARGETS[0]
VALID_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/auth/token": {"username": "siti", "password": PASSWORD},
    "POST /api/v1/auth/password-reset/phone": {"phone": "0812 0000 0001", "channel": "sms"},
    "POST /api/v1/auth/password-reset/phone/confirm": {
        "phone": "0812 0000 0001",
        "code": "123456",
        "password": PASSWORD,
    },
    "PATCH /api/v1/me": {"channels": ["email"], "language": "en"},
    "POST /api/v1/applications": {"service": "akta-kelahiran", "answers": ANSWERS},
    "PATCH /api/v1/applications/{number}": {"answers": ANSWERS},
    "POST /api/v1/applications/{number}/documents": {"requirement": "surat_lahir", "file": PDF},
    "POST /api/v1/applications/{number}/steps/{key}/actions": {
        "action": "return",
        "note": "Foto surat lahir buram.",
    },
    "POST /api/v1/consultations/{consultation_id}/comments": {
        "component": "facilities",
        "text": "Tambah kursi roda.",
        "stance": "support",
    },
    "PUT /api/v1/consultations/{consultation_id}/stances/{component}": {"stance": "oppose"},
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/report": {
        "reason": "Menyinggung."
    },
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/hide": {
        "reason": "Kata-kata kasar."
    },
    "POST /api/v1/consultations/{consultation_id}/comments/{comment_id}/answer": {
        "decision": "accepted",
        "text": "Terima kasih.",
    },
    "POST /api/v1/consultations/{consultation_id}/adopt": {"effective_date": "2099-01-01"},
    "POST /api/v1/me/rights-requests": {
        "kind": "correction",
        "data": "Alamat",
        "details": "Nomor rumah salah.",
    },
    "POST /api/v1/me/close": {"password": PASSWORD},
}
# Text any client can send but generators draw rarely (NUL, which PostgreSQL refuses) or never
# (a lone surrogate: valid JSON as "\ud800", yet not encodable as UTF-8), and text longer than
# any field. A surrogate only travels in JSON: a URL or a multipart part cannot carry one.
UNSTORABLE_TEXT = ["a\x00b", "x" * 60_000]
UNSTORABLE_JSON_TEXT = [*UNSTORABLE_TEXT, "\ud800"]

# pytest-django blocks the database at import; the schema view reads no table.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = {
    f"{method.upper()} {path}": schema[path][method]
    for path, operations in schema.raw_schema["paths"].items()
    for method in operations
    if method in METHODS
}


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[Any]:
    if not path_parameters:
        return st.just(path_parameters)
    known = [
        {name: target.get(name, value) for name, value in path_parameters.items()}
        for target in KNOWN_TARGETS
    ]
    return st.one_of(st.just(path_parameters), st.sampled_from(known))


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.just(value), ANSWER_SETS)
            if name == "answers"
            else st.sampled_from([value, *KNOWN_BODY_VALUES.get(name, [])])
            for name, value in body.items()
        }
    )


class FuzzScenario(Scenario):
    """BaseTestCase's people and catalogue, kept off the shared Scenario class."""


@dataclass(frozen=True)
class World:
    client: Client
    tokens: dict[str, str]
    numbers: dict[str, str]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        # an officer (budi) also gives the code of his authenticator app
        {"username": username, "password": PASSWORD, "otp": otp_for(username)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def new_draft(client: Client, token: str) -> str:
    response = client.post(
        "/api/v1/applications",
        {"service": "akta-kelahiran", "answers": ANSWERS},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.content
    return str(response.json()["number"])


def submit(client: Client, token: str, number: str) -> None:
    upload = client.post(
        f"/api/v1/applications/{number}/documents",
        {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        headers=bearer(token),
    )
    assert upload.status_code == 201, upload.content
    response = client.post(f"/api/v1/applications/{number}/submit", headers=bearer(token))
    assert response.status_code == 200, response.content


@pytest.fixture
def world(db: None) -> Iterator[World]:
    """Tokens of siti and budi; siti's draft, and her submitted application at `verifikasi`;
    an open consultation on akta-kelahiran with agus's comment."""
    FuzzScenario.create_scenario()
    client = Client(raise_request_exception=False)
    tokens = {name: token_for(client, name) for name in ("siti", "budi")}
    draft = new_draft(client, tokens["siti"])
    submitted = new_draft(client, tokens["siti"])
    submit(client, tokens["siti"], submitted)
    consultation = published_consultation(FuzzScenario.akta, by=FuzzScenario.root)
    comment = consultations.write_comment(
        consultation=consultation, author=FuzzScenario.agus, target="facilities", text="Sempit."
    )
    export = request_export(citizen=FuzzScenario.siti, language="id")
    build_export.call(export.pk)
    # Django logs every 4xx and 5xx; thousands of them would bury the failure these tests report.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        yield World(
            client=client,
            tokens=tokens,
            numbers={
                DRAFT: draft,
                SUBMITTED: submitted,
                CONSULTATION: str(consultation.pk),
                COMMENT: str(comment.pk),
                EXPORT: str(export.pk),
            },
        )
    finally:
        request_log.setLevel(level)


def send(world: World, case: schemathesis.Case, identity: str | None) -> HttpResponse:
    """Send the request, encoded as Schemathesis encodes it for a WSGI app."""
    request = case.as_transport_kwargs()
    request["path"] = "/".join(
        world.numbers.get(segment, segment) for segment in request["path"].split("/")
    )
    if identity is not None:
        request["headers"] = {**request["headers"], **bearer(world.tokens[identity])}
    environ = EnvironBuilder(**request).get_environ()
    cache.clear()
    with transaction.atomic():
        response = world.client.request(**environ)
        transaction.set_rollback(True)
    assert isinstance(response, HttpResponse), response
    return response


def body_of(response: HttpResponse) -> bytes:
    # Generated requests accept gzip, and GZipMiddleware compresses the longer bodies.
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


def has_error_shape(response: HttpResponse) -> bool:
    try:
        body = json.loads(body_of(response))
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "fields"} <= body.keys()


def described(case: schemathesis.Case, identity: str | None) -> str:
    return f"{case.method.upper()} {case.formatted_path!r:.120} as {identity or 'generated auth'}"


def check(case: schemathesis.Case, identity: str | None, response: HttpResponse) -> None:
    """No 5xx, and a 4xx in the error shape. A 500 re-raises the application's own exception,
    so that Hypothesis tells distinct bugs apart and the report shows where it happened."""
    exc_info = getattr(response, "exc_info", None)
    if response.status_code >= 500 and exc_info:
        error = exc_info[1]
        error.add_note(described(case, identity))
        error.add_note(f"{case!r:.500}")
        raise error.with_traceback(exc_info[2])
    assert response.status_code < 500, summary(case, identity, response)
    assert response.status_code < 400 or has_error_shape(response), summary(
        case, identity, response
    )


def summary(case: schemathesis.Case, identity: str | None, response: HttpResponse) -> str:
    return f"{described(case, identity)}: {response.status_code} {body_of(response)[:300]!r}"


def requests_for(operation: APIOperation) -> st.SearchStrategy[schemathesis.Case]:
    return st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
@settings(
    max_examples=50 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 150,
    derandomize=True,
    database=None,
    deadline=None,
    # No "explain" phase: it re-runs each failure many times to no benefit here.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # `world` is one transaction per operation; every request rolls back its own savepoint.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_generated_request_gets_a_server_error(
    operation: APIOperation, world: World, data: st.DataObject
) -> None:
    case = data.draw(requests_for(operation), label="request")
    for identity in IDENTITIES:
        check(case, identity, send(world, case, identity))


def spoiled_requests(operation: APIOperation) -> Iterator[schemathesis.Case]:
    """The valid request of `operation` with one text value at a time made unstorable."""
    path_parameters = {name: VALID_TARGET[name] for name in re.findall(r"{(\w+)}", operation.path)}
    body = VALID_BODIES.get(operation.label)
    if body is None:
        for name in path_parameters:
            for text in UNSTORABLE_TEXT:
                yield operation.Case(path_parameters={**path_parameters, name: text})
        return
    is_json = "file" not in body
    media_type = "application/json" if is_json else "multipart/form-data"
    for name in path_parameters:
        for text in UNSTORABLE_TEXT:
            yield operation.Case(
                path_parameters={**path_parameters, name: text}, body=body, media_type=media_type
            )
    spoiled_bodies = [
        {**body, name: text}
        for name in body
        for text in (UNSTORABLE_JSON_TEXT if is_json else UNSTORABLE_TEXT)
    ]
    if "answers" in body:
        spoiled_bodies += [
            {**body, "answers": {**ANSWERS, key: text}}
            for key in [*ANSWERS, *UNSTORABLE_JSON_TEXT]
            for text in UNSTORABLE_JSON_TEXT
        ]
    for spoiled in spoiled_bodies:
        yield operation.Case(path_parameters=path_parameters, body=spoiled, media_type=media_type)


def where_it_broke(error: Exception) -> tuple[str, str]:
    """The exception's type and the innermost line of Layanan's own code it passed through."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(APP_DIR) and frame.filename != __file__
    ]
    place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return type(error).__name__, place


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_text_no_database_can_store_gets_a_client_error(
    operation: APIOperation, world: World
) -> None:
    problems: dict[tuple[str, str], str] = {}  # one report per distinct failure
    for case in spoiled_requests(operation):
        for identity in IDENTITIES:
            try:
                check(case, identity, send(world, case, identity))
            except Exception as error:
                report = "".join(traceback.format_exception(error))
                problems.setdefault(where_it_broke(error), report)
    assert not problems, "\n\n".join(problems.values())


def test_a_method_the_schema_does_not_list_gets_405_in_the_error_shape() -> None:
    client = Client(raise_request_exception=False)
    wrong = []
    for path, operations in schema.raw_schema["paths"].items():
        url = re.sub(r"\{\w+\}", "x", path)
        for method in METHODS:
            if method in operations:
                continue
            response = client.generic(method.upper(), url)
            assert isinstance(response, HttpResponse), response
            if response.status_code != 405 or not has_error_shape(response):
                wrong.append(f"{method.upper()} {url}: {response.status_code} {response.content!r}")
    assert not wrong, "\n".join(wrong)
