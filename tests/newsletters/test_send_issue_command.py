"""`manage.py send_issue` asks at a terminal, and refuses clearly without one."""

import os
import pty
import subprocess

import pytest

from tests.processes import (
    add_confirmed_subscribers,
    copy_database,
    demo_database,
    manage,
    production_env,
    sqlite_url,
)

NO_TERMINAL = (
    "CommandError: This command asks for confirmation, and there is no terminal to "
    "answer it. Pass --yes to confirm on the command line."
)
COUNT_SENDS = "from newsletters.models import IssueSend; print(IssueSend.objects.count())"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    add_confirmed_subscribers(
        production_env(sqlite_url(path)), "a@example.org", "b@example.org", "c@example.org"
    )
    return path


@pytest.fixture
def env(demo_db, tmp_path):
    return production_env(sqlite_url(copy_database(demo_db, tmp_path / "db.sqlite3")))


def sends(env):
    return int(manage("shell", "-v", "0", "-c", COUNT_SENDS, env=env).stdout)


def send_issue_at_a_terminal(env, answer):
    """Run send_issue with a terminal as its standard input, typing `answer`."""
    terminal, command_side = pty.openpty()
    try:
        os.write(terminal, answer.encode() + b"\n")
        return manage("send_issue", "summer-2022", env=env, check=False, stdin=command_side)
    finally:
        os.close(command_side)
        os.close(terminal)


@pytest.mark.parametrize(
    "stdin",
    [
        pytest.param({"stdin": subprocess.DEVNULL}, id="/dev/null"),
        pytest.param({"input": "y\n"}, id="a pipe"),
    ],
)
def test_without_a_terminal_it_says_to_pass_yes_and_queues_nothing(env, stdin):
    result = manage("send_issue", "summer-2022", env=env, check=False, **stdin)

    assert result.returncode == 1
    assert NO_TERMINAL in result.stderr
    assert "Traceback" not in result.stderr
    assert sends(env) == 0


def test_with_its_standard_input_closed_it_says_to_pass_yes(env):
    result = manage(
        "send_issue", "summer-2022", env=env, check=False, preexec_fn=lambda: os.close(0)
    )

    assert result.returncode == 1
    assert NO_TERMINAL in result.stderr
    assert "Traceback" not in result.stderr


def test_yes_confirms_without_a_terminal(env):
    result = manage("send_issue", "summer-2022", "--yes", env=env, stdin=subprocess.DEVNULL)

    assert "Queued “Summer 2022” for 3 subscribers" in result.stdout
    assert sends(env) == 1


def test_at_a_terminal_it_asks_and_no_queues_nothing(env):
    result = send_issue_at_a_terminal(env, "n")

    assert "Send “Summer 2022” to 3 confirmed subscribers? [y/N]" in result.stdout
    assert result.returncode == 1
    assert "CommandError: Nothing was queued." in result.stderr
    assert sends(env) == 0


def test_at_a_terminal_yes_queues_the_issue(env):
    result = send_issue_at_a_terminal(env, "y")

    assert result.returncode == 0, result.stderr
    assert "Queued “Summer 2022” for 3 subscribers" in result.stdout
    assert sends(env) == 1
