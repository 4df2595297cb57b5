"""A PostgreSQL primary and a streaming replica on this machine, and the web server with
DATABASE_REPLICA_URL: public pages for visitors who are not signed in are read from the
replica, everything else from the primary; a replica that is down only costs time; the
primary down answers 503 and the site recovers by itself when it is back (no restart).

Which database answered is seen two ways: the replica logs every statement it runs, and its
replay is paused while the primary renames the service, so that a page read from the replica
shows the old name and one read from the primary the new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest

from layanan.lib.testing.pgcluster import Cluster, NoPostgres, find_bindir, primary_and_replica
from layanan.portal.tests.cluster_site import (
    DATABASE,
    load_site,
    replayed,
    request,
    sql,
    temporary_dir,
    web_server,
)
from layanan.test import PASSWORD

OLD_NAME, NEW_NAME = "Akta Kelahiran", "Surat Kelahiran"
T = TypeVar("T")
SIGNED_IN = {"Cookie": "sessionid=any"}  # a session cookie, valid or not: the primary


@dataclass
class Site:
    primary: Cluster
    replica: Cluster
    url: str
    number: str
    data_dir: Path


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    try:
        find_bindir()
    except NoPostgres as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the replica test: {missing}")
        pytest.skip(f"{missing}: install postgresql (the server, not only the client)")
    with primary_and_replica(replica_options=("log_statement=all",)) as (primary, replica):
        data_dir = temporary_dir()
        number = load_site(primary, data_dir)
        replayed(primary, replica)
        with web_server(
            data_dir,
            DATABASE_URL=primary.url(DATABASE),
            DATABASE_REPLICA_URL=replica.url(DATABASE),
        ) as url:
            yield Site(primary, replica, url, number, data_dir)


def statements_during(replica: Cluster, action: Callable[[], T]) -> tuple[T, str]:
    """What `action()` returned, and the statements the replica logged meanwhile."""
    before = replica.log.stat().st_size
    result = action()
    with open(replica.log) as log:
        log.seek(before)
        return result, log.read()


def test_public_pages_are_read_from_the_replica_and_the_rest_from_the_primary(
    site: Site,
) -> None:
    public = [
        f"/lacak/{site.number}/",
        f"/api/v1/track/{site.number}",
        "/layanan/",
        "/layanan/akta-kelahiran/",
        "/api/v1/services",
        "/dasbor/",
        "/jaminan/",
        "/data/",
    ]
    for path in public:
        (status, _headers, _body), logged = statements_during(
            site.replica, partial(request, site.url + path)
        )
        assert status == 200, path
        assert "statement: SELECT" in logged, path

    sql(site.replica, "SELECT pg_wal_replay_pause()")
    try:
        sql(site.primary, "UPDATE charters_service SET name = %s", [NEW_NAME])
        # Anonymous reads see the replica's state (not a kept page or a tracking snapshot,
        # which would show the old name from any database).
        anonymous = json.loads(request(site.url + "/api/v1/services/akta-kelahiran")[2])
        assert anonymous["name"] == OLD_NAME

        # Whoever identifies themselves reads and writes the primary.
        # (the API's catalogue: the page keeps its rendering for minutes, whatever the database)
        assert NEW_NAME in request(site.url + "/api/v1/services", headers=SIGNED_IN)[2].decode()

        def sign_in_and_write() -> tuple[int, int, dict[str, Any]]:
            credentials = json.dumps({"username": "siti", "password": PASSWORD}).encode()
            status, _headers, body = request(
                site.url + "/api/v1/auth/token",
                data=credentials,
                headers={"Content-Type": "application/json"},
            )
            auth = {"Authorization": "Bearer " + json.loads(body)["token"]}
            draft = json.dumps({"service": "akta-kelahiran", "answers": {}}).encode()
            created = request(
                site.url + "/api/v1/applications",
                data=draft,
                headers={**auth, "Content-Type": "application/json"},
            )[0]
            # (not the track endpoint: it keeps a snapshot of the public view, up to an hour
            # for a rename made outside the application's own actions, whatever the database)
            own = json.loads(request(f"{site.url}/api/v1/services/akta-kelahiran", headers=auth)[2])
            return status, created, own

        (token_status, created, own), logged = statements_during(site.replica, sign_in_and_write)
        assert (token_status, created) == (200, 201)
        assert own["name"] == NEW_NAME
        assert "statement:" not in logged
    finally:
        sql(site.replica, "SELECT pg_wal_replay_resume()")
    replayed(site.primary, site.replica)
    assert NEW_NAME in request(site.url + "/api/v1/services")[2].decode()


def test_a_replica_that_is_down_only_costs_time(site: Site) -> None:
    site.replica.stop()
    try:
        status, _headers, body = request(f"{site.url}/lacak/{site.number}/")
        assert status == 200
        assert site.number in body.decode()
        assert request(site.url + "/api/v1/services")[0] == 200
    finally:
        site.replica.start()
    replayed(site.primary, site.replica)
    _answer, logged = statements_during(site.replica, lambda: request(site.url + "/layanan/"))
    assert "statement: SELECT" in logged  # back on the replica by itself


def test_the_primary_down_answers_503_and_the_site_recovers_without_a_restart(
    site: Site,
) -> None:
    credentials = json.dumps({"username": "siti", "password": PASSWORD}).encode()
    as_json = {"Content-Type": "application/json", "Accept-Language": "en"}
    with web_server(site.data_dir, DATABASE_URL=site.primary.url(DATABASE)) as primary_only:
        assert request(primary_only + "/layanan/")[0] == 200  # its connection is open
        site.primary.stop()
        try:
            page = request(primary_only + "/layanan/")
            token = request(site.url + "/api/v1/auth/token", data=credentials, headers=as_json)
            signed_in = request(site.url + "/layanan/", headers=SIGNED_IN)
            health = request(site.url + "/sehat/")
            from_replica = request(site.url + "/layanan/")
            tracked_page = request(f"{site.url}/lacak/{site.number}/")
            tracked_api = request(f"{site.url}/api/v1/track/{site.number}")
        finally:
            site.primary.start()
        assert page[0] == 503
        assert page[1]["Retry-After"] == "30"
        assert "Maaf, layanan sedang tidak dapat digunakan" in page[2].decode()
        assert token[0] == 503
        assert json.loads(token[2])["code"] == "unavailable"
        assert token[1]["Retry-After"] == "30"
        assert signed_in[0] == 503
        assert health[0] == 503
        assert json.loads(health[2])["database"] == "unavailable"
        assert from_replica[0] == 200  # public reads go on from the replica
        assert tracked_page[0] == 200, tracked_page[2][:300]  # tracking too, snapshots included
        assert site.number in tracked_page[2].decode()
        assert json.loads(tracked_api[2])["number"] == site.number

        assert request(primary_only + "/layanan/")[0] == 200
    assert request(site.url + "/api/v1/auth/token", data=credentials, headers=as_json)[0] == 200
    assert request(site.url + "/layanan/", headers=SIGNED_IN)[0] == 200
    assert json.loads(request(site.url + "/sehat/")[2])["database"] == "ok"
