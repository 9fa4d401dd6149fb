"""The PostgreSQL backend's health check (msme_portal/postgresql/base.py):
no round trip while the connection is sound, a closed one found out."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is PostgreSQL's"
)


@pytest.fixture
def observer(own_connection):
    settings = own_connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as observer:
        yield observer


def last_statement(observer, wrapper):
    return observer.execute(
        "SELECT query FROM pg_stat_activity WHERE pid = %s",
        [wrapper.connection.info.backend_pid],
    ).fetchone()[0]


@pytest.mark.django_db
def test_a_sound_connection_is_found_usable_without_a_query(own_connection, observer):
    assert own_connection.settings_dict["ENGINE"] == "msme_portal.postgresql"
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 42")
    assert last_statement(observer, own_connection) == "SELECT 42"

    assert all(own_connection.is_usable() for _ in range(5))
    assert last_statement(observer, own_connection) == "SELECT 42"


@pytest.mark.django_db
def test_a_connection_the_server_closed_is_found_out(own_connection, observer):
    pid = own_connection.connection.info.backend_pid
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while own_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not own_connection.is_usable()

    # What Django runs when a request starts; the request's first query then
    # checks the connection, closes it and connects again.
    own_connection.close_if_unusable_or_obsolete()
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert own_connection.connection.info.backend_pid != pid
