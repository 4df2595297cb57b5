"""Which database errors are an outage (503, try again) and which are bugs (500, reported)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import InterfaceError, OperationalError

from layanan.unavailable import is_unavailable


def wrapped(cause: BaseException) -> OperationalError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.OperationalError("connection refused"),  # no SQLSTATE: no connection made
        psycopg.errors.AdminShutdown(),  # 57P01
        psycopg.errors.CannotConnectNow(),  # 57P03: starting up
        psycopg.errors.TooManyConnections(),  # 53300
        psycopg.errors.ConnectionFailure(),  # 08006
    ],
)
def test_an_outage_is_unavailable(cause: BaseException) -> None:
    assert is_unavailable(wrapped(cause))


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.DeadlockDetected(),  # 40P01
        psycopg.errors.QueryCanceled(),  # 57014: a statement timeout
        psycopg.errors.ProgramLimitExceeded(),  # 54000: an index row too large
        psycopg.errors.DiskFull(),  # 53100
    ],
)
def test_a_failing_query_is_a_server_error(cause: BaseException) -> None:
    assert not is_unavailable(wrapped(cause))


def test_sqlite_locks_are_unavailable_and_missing_tables_are_bugs() -> None:
    import sqlite3

    assert is_unavailable(wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_unavailable(wrapped(sqlite3.OperationalError("no such table: cases_event")))
    assert is_unavailable(InterfaceError("connection already closed"))
    assert not is_unavailable(ValueError("not a database error"))
