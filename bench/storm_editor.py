"""The editor of the edit storm (bench/run.py): a Publisher who retitles the
issue's first section on the issue's page in the admin, over HTTP, through
the very gunicorn the readers load, as staff do.

    python -m bench.storm_editor --app http://127.0.0.1:8000 --slug summer-2022

It signs in and reads the form, prints "ready", and saves when it reads a
line on its standard input, then prints the answer's status and how many
seconds the save took. Run with the
benchmark's environment (bench/run.sh).
"""

import argparse
import http.client
import http.cookies
import re
import secrets
import sys
import time
import urllib.parse

import django


class Browser:
    """Requests with the cookies the site set, as a browser keeps them."""

    def __init__(self, base):
        self.base = base
        self.address = urllib.parse.urlsplit(base)
        self.cookies = {}

    def request(self, method, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.base
        connection = http.client.HTTPConnection(self.address.hostname, self.address.port)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            connection.close()


MARK = " (edited)"


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", required=True, help="gunicorn's address")
    parser.add_argument("--slug", required=True)
    args = parser.parse_args()
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    from newsletters.models import Issue
    from tests.newsletters.helpers import FormFields

    password = secrets.token_urlsafe(16)
    publisher, _ = User.objects.get_or_create(
        username="storm-publisher", defaults={"is_staff": True}
    )
    publisher.set_password(password)
    publisher.save()
    publisher.groups.add(Group.objects.get(name="Publishers"))

    browser = Browser(args.app)
    _, login_page = browser.request("GET", "/admin/login/")
    status, _ = browser.request(
        "POST",
        "/admin/login/",
        {
            "csrfmiddlewaretoken": csrf_token(login_page),
            "username": publisher.username,
            "password": password,
            "next": "/admin/",
        },
    )
    if status != 302:
        sys.exit(f"signing in answered {status}")
    issue = Issue.objects.get(slug=args.slug)
    path = reverse("admin:newsletters_issue_change", args=[issue.pk])
    status, form_page = browser.request("GET", path)
    if status != 200:
        sys.exit(f"the issue's page answered {status}")
    fields = FormFields("issue_form")
    fields.feed(form_page)
    data = dict(fields.data)
    title = data["sections-0-title_en"][0]
    # Marked and unmarked in turns: each save changes the page.
    marked = title.removesuffix(MARK) if title.endswith(MARK) else title + MARK
    data["sections-0-title_en"] = [marked]
    data["_save"] = ["Save"]
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    status, answer = browser.request("POST", path, data)
    print(status, f"{time.perf_counter() - started:.3f}", flush=True)
    if status != 302:
        sys.exit(f"saving answered {status}: {answer[:500]}")


if __name__ == "__main__":
    main()
