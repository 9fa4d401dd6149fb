"""Plain helpers several test modules share: the POST data of the section
and sign-up forms, and the send worker's timing and counts for tests."""

import time
from datetime import timedelta

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
