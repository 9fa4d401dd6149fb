"""Logs go to standard error, one line each for requests naming a host the
site does not serve."""

import json
import logging
import re

import pytest

from tests.processes import (
    add_confirmed_subscribers,
    copy_database,
    demo_database,
    manage,
    production_env,
    sqlite_url,
)

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|WARNING|ERROR) \S+ ", re.MULTILINE
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")


@pytest.fixture
def env(demo_db, tmp_path):
    return production_env(sqlite_url(copy_database(demo_db, tmp_path / "db.sqlite3")))


def test_dumpdata_writes_only_json_to_standard_output(env):
    result = manage("dumpdata", env=env)

    data = json.loads(result.stdout)
    assert {"model": "newsletters.issue"} in [{"model": row["model"]} for row in data]
    assert LOG_LINE.search(result.stderr), result.stderr


def test_a_command_logs_to_standard_error_and_reports_on_standard_output(env):
    add_confirmed_subscribers(env, "reader@example.org")
    result = manage("send_issue", "summer-2022", "--yes", env=env)

    assert result.stdout.strip().startswith("Queued “Summer 2022” for 1 subscribers")
    assert not LOG_LINE.search(result.stdout)
    assert re.search(
        r" INFO newsletters\.mail\.send_queue Queued Summer 2022 in en for 1 subscribers",
        result.stderr,
    )


def test_a_host_the_site_does_not_serve_is_a_warning_without_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/en/", HTTP_HOST="not-ours.example")

    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "Invalid HTTP_HOST header: 'not-ours.example'" in record.getMessage()
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
