"""Benchmark: rendering the Summer 2022 email with its stylesheet inlined by
css-inline, beside the hand-written inline styles it replaced.

    .venv/bin/python bench/email_bench.py [--rounds 20] [--before 229d8a5]

Both are measured in this run, on the same issue: "before" is the email's
templates, style module and rich-text rewriter as they were at the commit
`--before` (read with `git show`, rendered by the portal's own Jinja2
environment), "now" is newsletters/mail/issue_email.py. For each it prints
the time to render the HTML part in one language (what a send pays once per
language), the part of it spent inlining, and the HTML part's size; then the
time to personalise one message from the rendered parts, the same code for
both (what a send pays per recipient).
Medians of `--rounds`.

Uses DJANGO_SETTINGS_MODULE (default tests.settings) and DATABASE_URL;
without one, a throwaway SQLite file in a temporary folder.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OLD_TEMPLATES = ["issue.html", "section.html", "listing.html"]
TEMPLATE_FOLDER = "newsletters/jinja2/newsletters/email/issue/"


def setup_django(folder):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/email_bench.sqlite3")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def git_show(commit, path):
    return subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def module_from_git(commit, path, name):
    """A module of the portal as it was at `commit`."""
    module = types.ModuleType(name)
    exec(compile(git_show(commit, path), f"{commit}:{path}", "exec"), module.__dict__)
    return module


class BeforeEmail:
    """The email's HTML part as it was rendered at `commit`: the same content
    (newsletters/issue_page.py), the old templates with their style module."""

    def __init__(self, issue, commit):
        from django.template import engines
        from jinja2 import DictLoader

        self.styles = module_from_git(commit, "newsletters/mail/styles.py", "before_styles")
        sys.modules["newsletters.mail.styles"] = self.styles  # what the old rewriter imports
        self.rich_text = module_from_git(
            commit, "newsletters/mail/rich_text.py", "before_rich_text"
        )
        templates = {
            f"newsletters/email/issue/{name}": git_show(commit, TEMPLATE_FOLDER + name)
            for name in OLD_TEMPLATES
        }
        self.environment = engines["jinja2"].env.overlay(loader=DictLoader(templates))
        self.issue = issue

    def render(self, language):
        from django.utils import translation

        from newsletters.mail import issue_email

        email = issue_email.IssueEmail(self.issue)
        # The old rewriter styled rich text itself; the rest of the context
        # (sections, listings, addresses) is built as now.
        with translation.override(language):
            original = issue_email.email_html
            issue_email.email_html = self.rich_text.email_html
            try:
                context = {**email.context(), "styles": self.styles, "language": language}
            finally:
                issue_email.email_html = original
            template = self.environment.get_template("newsletters/email/issue/issue.html")
            body = template.render(
                {**context, "greeting": "", "unsubscribe_url": "", "preferences_url": ""}
            )
        return self.rich_text.fold_html(body)


def render_now(issue, language):
    """The HTML part as newsletters/mail/issue_email.py renders it now:
    templates, then the stylesheet inlined, then lines folded. Returns the
    HTML before and after inlining."""
    from django.utils import translation

    from newsletters.mail import issue_email
    from newsletters.mail.email_styles import inline_styles
    from newsletters.mail.rich_text import fold_html

    with translation.override(language):
        context = {**issue_email.IssueEmail(issue).context(), "language": language}
        body = issue_email.render_to_string(
            "newsletters/email/issue/issue.html",
            {
                **context,
                "direction": "ltr",
                "greeting": "",
                "unsubscribe_url": "",
                "preferences_url": "",
            },
        )
    return body, fold_html(inline_styles(body))


def median_ms(function, rounds):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--before", default="229d8a5", help="the commit with the old styles")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from newsletters.mail.email_styles import inline_styles
        from newsletters.mail.issue_email import IssueEmail
        from newsletters.models import Issue, Subscriber

        issue = Issue.objects.get(slug="summer-2022")
        subscriber = Subscriber(pk=1, email="reader@example.org", language="en", name="A Reader")
        before = BeforeEmail(issue, options.before)

        print("| language | edition | render (ms) | of which inlining (ms) | HTML part |")
        print("|---|---|---:|---:|---:|")
        rounds = options.rounds
        for language in ("en", "fr"):
            old_html = before.render(language)
            old_ms = median_ms(lambda language=language: before.render(language), rounds)
            print(f"| {language} | before | {old_ms:.1f} | – | {len(old_html) / 1024:.1f} KB |")

            unstyled, html = render_now(issue, language)
            now_ms = median_ms(lambda language=language: render_now(issue, language), rounds)
            inline_ms = median_ms(lambda unstyled=unstyled: inline_styles(unstyled), rounds)
            print(
                f"| {language} | now | {now_ms:.1f} | {inline_ms:.1f} "
                f"| {len(html.encode()) / 1024:.1f} KB |"
            )
        email = IssueEmail(issue)
        email.rendered("en")
        per_message = median_ms(lambda: email.raw_for(subscriber), rounds * 50) * 1000
        print(
            f"\nPersonalising one message from the rendered parts (both editions): "
            f"{per_message:.0f} µs; the inliner runs once per language, not per message."
        )


if __name__ == "__main__":
    main()
