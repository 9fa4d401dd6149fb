"""The email's accessibility and rendering report: the markup checks, axe-core
and contrast in a real Chromium, the send it blocks unless a Publisher gives a
reason, and the reason kept with the send."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsletters.mail.email_checks import GMAIL_CLIP_BYTES, markup_findings
from newsletters.mail.email_report import check_emails, reports_for
from newsletters.models import Issue, IssueSend
from tests.factories import make_confirmed_subscribers, make_issue, make_section

pytestmark = pytest.mark.django_db

BROKEN_EMAIL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Broken</title>
<style>@media (prefers-color-scheme: dark) {
  .night { color: #333333 !important; background-color: #222222 !important; }
}</style></head>
<body style="background-color:#ffffff">
<table width="100%"><tr><td>
  <h1 style="color:#000000">An issue</h1>
  <p style="color:#aaaaaa">Pale grey text on white.</p>
  <p class="night" style="color:#111111;background-color:#ffffff">Fine by day, dark at night.</p>
  <a href="https://example.org/"><img src="https://example.org/logo.png"></a>
</td></tr></table>
</body></html>"""


@pytest.fixture
def browser_checks(settings):
    settings.NEWSLETTER_EMAIL_BROWSER_CHECKS = True
    cache.clear()
    yield
    cache.clear()


def codes(report):
    return {finding.check for finding in report.findings}


def test_a_broken_email_is_reported_with_each_problem(browser_checks):
    report = check_emails({"en": BROKEN_EMAIL})["en"]

    assert {"lang-dir", "layout-table-role", "image-alt", "contrast-light", "contrast-dark"} <= (
        codes(report)
    )
    assert any(check.startswith("axe:") for check in codes(report))  # axe-core ran
    by_check = {finding.check: finding for finding in report.findings}
    assert by_check["contrast-light"].where == "Pale grey text on white."
    assert "2.32:1" in by_check["contrast-light"].message
    assert by_check["contrast-dark"].where == "Fine by day, dark at night."
    assert by_check["image-alt"].where == "https://example.org/logo.png"
    for check in ("lang-dir", "layout-table-role", "image-alt", "contrast-light"):
        assert by_check[check].is_blocking


def test_the_summer_2022_email_passes_in_each_language(browser_checks):
    call_command("load_demo")
    issue = Issue.objects.get(slug="summer-2022")

    reports = reports_for(issue, ["en", "fr", "es"])

    for language, report in reports.items():
        assert report.blocking == [], (language, report.blocking)
        assert report.size < GMAIL_CLIP_BYTES
        # What is left is advice on the source's own "click here" links.
        assert codes(report) <= {"link-text"}, (language, report.advice)


def test_a_kept_report_is_reused_until_the_email_changes(browser_checks, settings):
    issue = make_issue(title="Autumn")
    section = make_section(issue, title="News", body="<p>First words.</p>")
    assert reports_for(issue, ["en"])["en"].blocking == []

    # Without a browser: the unchanged email's report comes from the cache…
    settings.NEWSLETTER_CHROMIUM_PATH = "/nonexistent/chromium"
    assert reports_for(issue, ["en"])["en"].blocking == []

    # …and a changed one cannot be checked, which blocks until a reason.
    section.body = "<p>Other words.</p>"
    section.save()
    (problem,) = reports_for(issue, ["en"])["en"].blocking
    assert problem.check == "browser-checks"
    assert "/nonexistent/chromium" in problem.message or "Executable" in problem.message
    # A failed check is not kept: with the browser back, it is checked again.
    settings.NEWSLETTER_CHROMIUM_PATH = "/usr/bin/chromium"
    assert reports_for(issue, ["en"])["en"].blocking == []


def page(body, head="<title>An issue</title>", lang=' lang="en" dir="ltr"'):
    return (
        f"<!DOCTYPE html><html{lang}><head>{head}</head>"
        f'<body lang="en" dir="ltr"><div lang="en" dir="ltr">{body}</div></body></html>'
    )


def findings_of(html):
    return [(finding.check, finding.severity, finding.where) for finding in markup_findings(html)]


def test_a_clean_page_has_no_finding():
    assert findings_of(page('<h1>Title</h1><h2>Part</h2><p><a href="/x">The guides</a></p>')) == []


def test_languages_are_needed_on_the_root_and_each_wrapper():
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><p>x</p></body></html>'
    )
    found = [(check, where) for check, _, where in findings_of(html)]
    assert found == [
        ("lang-dir", '<html class="">'),
        ("lang-dir", '<body class="">'),
        ("lang-dir", '<p class="">'),
    ]


def test_headings_must_not_skip_levels():
    assert findings_of(page("<h1>Title</h1><h3>Too deep</h3>")) == [
        ("heading-order", "advice", "Too deep")
    ]
    assert findings_of(page("<h2>No title first</h2>")) == [
        ("heading-order", "advice", "No title first")
    ]


def test_link_texts_must_make_sense_out_of_context_in_each_language():
    html = page(
        '<h1>T</h1><p><a href="/a">Click here</a> <a href="/b">ici</a> <a href="/c">Leer más…</a>'
        ' <a href="/d"><img src="/i.png" alt=""></a> <a href="/e">The call for proposals</a></p>'
    )
    assert findings_of(html) == [
        ("link-text", "advice", "/a"),
        ("link-text", "advice", "/b"),
        ("link-text", "advice", "/c"),
        ("link-name", "blocking", "/d"),
    ]


def test_layout_tables_need_a_role_and_data_tables_do_not():
    html = page(
        '<h1>T</h1><table role="presentation"><tr><td>Layout</td></tr></table>'
        "<table><caption>Guides</caption><tr><td>Data</td></tr></table>"
        "<table><tr><th>Header</th></tr><tr><td>Data</td></tr></table>"
        "<table><tr><td>Forgotten</td></tr></table>"
    )
    assert findings_of(html) == [("layout-table-role", "blocking", "Forgotten")]


def test_the_title_images_size_and_dropped_css():
    assert findings_of(page("<h1>T</h1>", head="<title> </title>")) == [("title", "blocking", "")]
    assert findings_of(page('<h1>T</h1><img src="/a.png" alt="IMG_0042.jpg">')) == [
        ("image-alt-file-name", "advice", "IMG_0042.jpg")
    ]
    assert findings_of(page('<h1>T</h1><img src="/a.png" alt="">')) == []  # decorative
    large = page("<h1>T</h1>" + "<p>" + "word " * (GMAIL_CLIP_BYTES // 5) + "</p>")
    assert findings_of(large) == [("size", "blocking", "")]
    styled = page('<h1>T</h1><div style="display:flex;position:absolute">x</div>')
    assert [check for check, _, _ in findings_of(styled)] == ["dropped-css", "dropped-css"]


# A send blocked by the report, as a Publisher meets it.


@pytest.fixture
def oversized_issue():
    """An issue whose email Gmail would clip: a problem of content, not of
    the templates, so the report blocks it."""
    issue = make_issue(title="Very long issue")
    make_section(issue, title="Everything", body="<p>" + "trade " * 20000 + "</p>")
    make_confirmed_subscribers(3)
    return issue


def test_a_publisher_sends_a_blocked_email_only_with_a_reason(publisher_client, oversized_issue):
    send_page = publisher_client.get(
        reverse("admin:newsletters_send_issue", args=[oversized_issue.pk])
    )
    assert "Gmail clips messages over 102 KB" in send_page.content.decode()
    assert "The report found problems that would exclude readers" in send_page.content.decode()

    confirm = reverse("admin:newsletters_send_confirm", args=[oversized_issue.pk])
    page = publisher_client.get(confirm)
    assert 'name="override_reason"' in page.content.decode()

    refused = publisher_client.post(confirm, {"languages": ["en"], "override_reason": "  "})
    assert refused.status_code == 200
    assert "give the reason to send it anyway" in refused.content.decode()
    assert not IssueSend.objects.exists()

    reason = "The full text is the record; readers were told to open the web version."
    sent = publisher_client.post(confirm, {"languages": ["en"], "override_reason": reason})
    assert sent.status_code == 302
    send = IssueSend.objects.get()
    assert send.recipient_count == 3
    assert send.report_override_reason == reason
    assert [problem["check"] for problem in send.report_problems] == ["size"]
    assert reason in LogEntry.objects.get(object_id=str(send.pk)).change_message
    record = publisher_client.get(reverse("admin:newsletters_issuesend_change", args=[send.pk]))
    assert reason in record.content.decode()


def test_a_clean_email_is_sent_without_a_reason_and_records_none(publisher_client):
    issue = make_issue(title="Short issue")
    make_section(issue, title="News", body="<p>Short.</p>")
    make_confirmed_subscribers(2)
    confirm = reverse("admin:newsletters_send_confirm", args=[issue.pk])
    assert 'name="override_reason"' not in publisher_client.get(confirm).content.decode()

    assert publisher_client.post(confirm, {"languages": ["en"]}).status_code == 302
    send = IssueSend.objects.get()
    assert (send.report_problems, send.report_override_reason) == ([], "")


def test_send_issue_needs_a_reason_for_a_blocked_email(oversized_issue):
    with pytest.raises(CommandError, match="--override-reason"):
        call_command("send_issue", oversized_issue.slug, "--yes")
    assert not IssueSend.objects.exists()

    call_command("send_issue", oversized_issue.slug, "--yes", "--override-reason", "Archive copy.")
    send = IssueSend.objects.get()
    assert send.report_override_reason == "Archive copy."
    assert send.report_problems[0]["check"] == "size"


def test_the_idle_worker_checks_the_latest_emails_ahead_of_the_send_page(browser_checks, settings):
    from newsletters.mail.worker import Worker
    from tests.newsletters.helpers import FAST

    issue = make_issue(title="Checked ahead")
    make_section(issue, title="News", body="<p>Ready.</p>")
    Worker(**FAST).run()

    # Kept by the worker: the send page needs no browser for it.
    settings.NEWSLETTER_CHROMIUM_PATH = "/nonexistent/chromium"
    reports = reports_for(issue, ["en", "fr", "es"])
    assert all(report.blocking == [] for report in reports.values())
