"""A send's delivery log as a CSV file: what Publishers download as proof
of delivery, row for row the log, streamed."""

import csv
import io

import pytest
from django.urls import reverse

from msme_portal.csv_files import restore_cell
from newsletters.mail.send_queue import start_send
from newsletters.mail.worker import Worker
from newsletters.models import Delivery, DeliveryStatus
from tests.factories import make_confirmed_subscribers, make_issue, make_section
from tests.newsletters.helpers import FAST
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(settings):
    """A send to five subscribers, one refused by the server and one erased since."""
    subscribers = make_confirmed_subscribers(5)
    issue = make_issue(title="Summer 2022", slug="summer-2022")
    make_section(issue, title="Digital trade")
    with SMTPServer() as sink:
        sink.configure(settings)
        sink.handler.refuse = {subscribers[1].email}
        send = start_send(issue)
        Worker(**FAST).run()
    subscribers[4].delete()
    return send


def rows_of(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_a_publisher_downloads_the_log_of_a_send_row_for_row(publisher_client, sent):
    url = reverse("admin:newsletters_issuesend_delivery_log", args=[sent.pk])

    page = publisher_client.get(reverse("admin:newsletters_issuesend_change", args=[sent.pk]))
    response = publisher_client.get(url)

    assert url in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="deliveries-summer-2022-en-'
    )
    assert "no-store" in response["Cache-Control"]
    rows = rows_of(response)
    log = list(Delivery.objects.filter(send=sent).order_by("pk").select_related("subscriber"))
    assert len(rows) == len(log) == 5
    for row, delivery in zip(rows, log, strict=True):
        assert row["email"] == (delivery.subscriber.email if delivery.subscriber else "")
        assert row["language"] == "en"
        assert row["status"] == delivery.status
        assert row["accepted_at"] == (delivery.sent_at.isoformat() if delivery.sent_at else "")
        assert row["message_id"] == delivery.message_id
        assert int(row["attempts"]) == delivery.attempts
        assert restore_cell(row["last_reply"]) == delivery.last_error
    statuses = [row["status"] for row in rows]
    assert statuses.count(DeliveryStatus.SENT) == 4
    assert statuses.count(DeliveryStatus.FAILED) == 1
    assert rows[1]["last_reply"].startswith("550 5.1.1")
    # The erased subscriber's delivery keeps its Message-ID, not their address.
    assert rows[4]["email"] == ""
    assert rows[4]["message_id"].startswith("<issue-")


def test_a_reply_that_looks_like_a_formula_is_defused(publisher_client, sent):
    Delivery.objects.filter(send=sent).update(last_error='=HYPERLINK("http://x")')

    rows = rows_of(
        publisher_client.get(reverse("admin:newsletters_issuesend_delivery_log", args=[sent.pk]))
    )

    assert {row["last_reply"] for row in rows} == {'\'=HYPERLINK("http://x")'}


def test_an_editor_cannot_download_a_delivery_log(editor_client, sent):
    response = editor_client.get(
        reverse("admin:newsletters_issuesend_delivery_log", args=[sent.pk])
    )

    assert response.status_code == 403


def test_a_send_that_does_not_exist_is_a_404(publisher_client):
    response = publisher_client.get(reverse("admin:newsletters_issuesend_delivery_log", args=[999]))

    assert response.status_code == 404
