"""Plain helpers several test modules share: the POST data of the section
and sign-up forms, the data a browser sends from an admin page's form, and
the send worker's timing and counts for tests."""

import time
from datetime import timedelta
from html.parser import HTMLParser

from django.core import signing
from django.urls import reverse

from newsletters.forms import STARTED_SALT

# A worker that retries and polls at once, so tests of retries stay short.
FAST = {"retry_delay": timedelta(milliseconds=20), "poll_interval": 0.02}


def statuses(send):
    return {status: n for status, n in send.counts().items() if n}


def section_form_data(issue, **overrides):
    data = {
        "issue": issue.pk,
        "order": "1",
        "kind": "article",
        "title": "A section",
        "anchor": "a-section",
        "body": "<p>Text</p>",
        "box_style": "plain",
        "listing": "",
        "image_alt": "",
        "image_caption": "",
        "signatory_name": "",
        "signatory_title": "",
        "interviewee_name": "",
        "interviewee_organization": "",
        "interviewee_bio": "",
        "portrait_alt": "",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def post_section(client, data):
    return client.post(reverse("admin:newsletters_section_add"), data)


def started(seconds_ago=60):
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def signup_form_data(**overrides):
    data = {
        "email": "ana@example.org",
        "name": "Ana Lima",
        "organization": "Small Firms Association",
        "economy": "",
        "economy_other": "",
        "language": "en",
        "consent": "on",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class FormFields(HTMLParser):
    """The values a browser would submit from a page's admin form."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.select = None
        self.select_options = []
        self.selected = self.multiple = False
        self.textarea = None
        self.data = {}

    def add(self, name, value):
        if "__prefix__" in name:  # the inlines' blank template row
            return
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if tag == "option" and self.select:
            self.select_options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.selected = True
                self.add(self.select, attrs.get("value", ""))
        if not self.in_form or "name" not in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "file", "button", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select, self.select_options, self.selected = attrs["name"], [], False
            self.multiple = "multiple" in attrs
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea and "__prefix__" not in self.textarea:
            if not self.data[self.textarea][-1]:
                # HTML drops the line break that opens a textarea's content.
                data = data.removeprefix("\n")
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            # A single choice with nothing selected sends its first option.
            if not (self.selected or self.multiple) and self.select_options:
                self.add(self.select, self.select_options[0])
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_data(client, url, form_id, **changes):
    """GET `url` and return its form's data as the browser would send it,
    with `changes` applied."""
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    data = {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}
    data.update(changes)
    return data
