"""The accessibility and rendering report on an issue's email, per language,
shown on the send page and checked before a send starts.

It puts together the markup checks (newsletters/mail/email_checks.py) and
what needs a browser: an axe-core scan of the email in Chromium, and the
contrast of every text against its background with the client in light and
in dark mode. Reports are kept in the cache under a digest of the email's
HTML, so an unchanged email is not scanned twice. A report with blocking
findings stops the send unless a Publisher gives a reason
(newsletters/admin/send_admin.py), which the send records.
"""

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from msme_portal import page_cache
from newsletters import idle_work
from newsletters.mail.email_checks import ADVICE, BLOCKING, Finding, markup_findings
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue, SubscriberLanguage

logger = logging.getLogger(__name__)

# Raise it when a check changes, so kept reports are made again.
CHECKS_VERSION = 1
REPORT_CACHE_SECONDS = 7 * 24 * 3600
# The idle send worker checks the emails of the latest issues ahead of the
# send page (`check_when_idle()`), one worker at a time.
ISSUES_CHECKED_AHEAD = 3
CHECKED_VERSION_KEY = "newsletters:email-reports:checked-version"
CHECKING_KEY = "newsletters:email-reports:checking"
CHECKING_TIMEOUT = 600

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's own contrast rule sees the light mode only; ours measures both.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {"color-contrast": {"enabled": False}},
}
BLOCKING_IMPACTS = {"critical", "serious"}

# Every element with text of its own, its colour and the first opaque
# background behind it: WCAG 2.1 asks 4.5:1, or 3:1 for large text (24 px, or
# 18.66 px bold). Hidden text (the preheader) is skipped.
CONTRAST_SCRIPT = """
(canvas) => {
  const parse = (value) => {
    const match = value.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const hex = (c) => "#" + [c.r, c.g, c.b]
    .map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const behind = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0) return colour;
    }
    return parse(canvas);
  };
  const found = {};
  for (const element of document.body.querySelectorAll("*")) {
    const own = [...element.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own.length || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const colour = parse(style.color), background = behind(element);
    if (!colour || !background) continue;
    const [light, dark] = [luminance(colour), luminance(background)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio >= needed) continue;
    const key = hex(colour) + " " + hex(background);
    if (!found[key]) {
      const text = own[0].textContent.trim().slice(0, 60);
      found[key] = {colour: hex(colour), background: hex(background),
                    ratio: Math.floor(ratio * 100) / 100, needed, text, count: 0};
    }
    found[key].count += 1;
  }
  return Object.values(found);
}
"""
CANVAS = {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 18, 18)"}


@dataclass(frozen=True)
class EmailReport:
    language: str
    size: int  # bytes of the HTML part
    findings: tuple

    @property
    def blocking(self):
        return [finding for finding in self.findings if finding.is_blocking]

    @property
    def advice(self):
        return [finding for finding in self.findings if not finding.is_blocking]

    def as_dict(self):
        return {
            "language": self.language,
            "size": self.size,
            "findings": [finding.as_dict() for finding in self.findings],
        }

    @classmethod
    def from_dict(cls, data):
        findings = tuple(Finding(**finding) for finding in data["findings"])
        return cls(language=data["language"], size=data["size"], findings=findings)


def _cache_key(html):
    digest = hashlib.sha256(html.encode()).hexdigest()
    return f"email-report:{CHECKS_VERSION}:{digest}"


def report_html(email, language):
    """The HTML part of the email in `language`, as subscribers get it (with
    the links of a test message in place of their personal ones)."""
    return email.test_message("preview@localhost", language=language).alternatives[0][0]


def reports_for(issue, languages):
    """{language: EmailReport} for the issue's email in each of `languages`,
    from the cache when the email has not changed since it was checked."""
    email = IssueEmail.for_issue(issue)
    htmls = {language: report_html(email, language) for language in languages}
    reports = {}
    for language, html in htmls.items():
        kept = cache.get(_cache_key(html))
        if kept is not None:
            reports[language] = EmailReport.from_dict(kept)
    unchecked = {language: html for language, html in htmls.items() if language not in reports}
    if unchecked:
        reports.update(check_emails(unchecked))
    return {language: reports[language] for language in languages}


def check_when_idle():
    """For the send workers: the reports of the latest published issues'
    emails, made ahead so the send page need not wait for Chromium; once per
    content version, by one worker at a time (newsletters/idle_work.py)."""
    if not settings.NEWSLETTER_EMAIL_BROWSER_CHECKS:
        return 0
    version = page_cache.content_version()
    if cache.get(CHECKED_VERSION_KEY) == version:
        return 0

    def work():
        issues = list(Issue.objects.published()[:ISSUES_CHECKED_AHEAD])
        for issue in issues:
            reports_for(issue, SubscriberLanguage.values)
        cache.set(CHECKED_VERSION_KEY, version, None)
        return len(issues)

    return idle_work.in_turn(
        CHECKING_KEY, work, timeout=CHECKING_TIMEOUT, what="check the emails ahead of their send"
    )


def blocking_problems(issue, languages):
    """{language: [blocking Finding]} of the email's report, for the
    languages with any."""
    reports = reports_for(issue, languages)
    return {language: report.blocking for language, report in reports.items() if report.blocking}


def check_emails(htmls):
    """Reports on `htmls` ({language: html}), made now; kept in the cache
    unless the browser checks could not run."""
    unchecked_reason = None
    if not settings.NEWSLETTER_EMAIL_BROWSER_CHECKS:
        unchecked_reason = Finding(
            "browser-checks",
            ADVICE,
            _("The contrast and axe-core checks are turned off on this site."),
        )
        by_language = dict.fromkeys(htmls)
    else:
        try:
            by_language = scan_in_browser(htmls)
        except Exception as error:  # A missing browser must not break the send page.
            logger.exception("The email's browser checks could not run")
            unchecked_reason = Finding(
                "browser-checks",
                BLOCKING,
                _(
                    "The contrast and axe-core checks could not run (%(error)s). Ask the "
                    "site's administrator, or send with a reason."
                )
                % {"error": error},
            )
            by_language = dict.fromkeys(htmls)
    reports = {}
    for language, html in htmls.items():
        with translation.override(language):
            findings = markup_findings(html)
        if by_language[language] is None:
            findings.append(unchecked_reason)
        else:
            findings.extend(by_language[language])
        reports[language] = EmailReport(language, len(html.encode()), tuple(findings))
        if by_language[language] is not None:
            cache.set(_cache_key(html), reports[language].as_dict(), REPORT_CACHE_SECONDS)
    return reports


def scan_in_browser(htmls):
    """{language: [Finding]}: axe-core and contrast, each email in Chromium.

    Playwright's synchronous API refuses to run in a thread with an asyncio
    loop (an ASGI server, a test driving a browser), so it gets a thread of
    its own."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(_scan, htmls).result()


def _scan(htmls):
    from playwright.sync_api import sync_playwright

    axe = Path(settings.NEWSLETTER_AXE_PATH).read_text()
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.NEWSLETTER_CHROMIUM_PATH,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            # Offline: images are not needed to judge text, and the scan
            # fetches nothing on the server's behalf.
            context = browser.new_context(offline=True, viewport={"width": 600, "height": 900})
            page = context.new_page()
            for language, html in htmls.items():
                page.emulate_media(color_scheme="light")
                page.set_content(html, wait_until="domcontentloaded")
                page.add_script_tag(content=axe)
                scan = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                with translation.override(language):
                    findings = [_axe_finding(violation) for violation in scan["violations"]]
                    for mode in ("light", "dark"):
                        page.emulate_media(color_scheme=mode)
                        low = page.evaluate(CONTRAST_SCRIPT, CANVAS[mode])
                        findings.extend(_contrast_finding(pair, mode) for pair in low)
                results[language] = findings
        finally:
            browser.close()
    return results


def _axe_finding(violation):
    nodes = violation["nodes"]
    return Finding(
        f"axe:{violation['id']}",
        BLOCKING if violation["impact"] in BLOCKING_IMPACTS else ADVICE,
        f"{violation['help']} (axe-core, {violation['impact']})",
        "; ".join(str(node["target"][0]) for node in nodes[:3]),
    )


def _contrast_finding(pair, mode):
    mode_name = _("dark mode") if mode == "dark" else _("light mode")
    return Finding(
        f"contrast-{mode}",
        BLOCKING,
        _(
            "Text in %(colour)s on %(background)s in %(mode)s has a contrast of %(ratio)s:1; "
            "at least %(needed)s:1 is needed (%(count)d texts)."
        )
        % {**pair, "mode": mode_name},
        pair["text"],
    )
