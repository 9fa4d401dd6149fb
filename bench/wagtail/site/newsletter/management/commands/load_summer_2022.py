"""Load the Summer 2022 issue and its registers from the portal's own demo
files (newsletters/demo/), read as files: nothing of the portal is imported,
so both sites of bench/wagtail_bench.py hold the same content."""

import csv
import re
import tomllib
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page

from newsletter.models import (
    GroupOfficer,
    Guide,
    Meeting,
    MemberEconomy,
    NewsletterIssuePage,
    Organization,
)

DEFAULT_DEMO_DIR = Path(__file__).resolve().parents[6] / "newsletters" / "demo"
# As the portal's loader stores rich text: no white space kept around block tags.
BLOCK_TAG = re.compile(r"\s*(</?(?:p|ul|ol|li|table|caption|thead|tbody|tr|th|td)\b[^>]*>)\s*")


class Command(BaseCommand):
    help = "Load Summer 2022 from the portal's newsletters/demo/ files (replacing any copy)."

    def add_arguments(self, parser):
        parser.add_argument("--demo-dir", type=Path, default=DEFAULT_DEMO_DIR)

    def handle(self, *args, demo_dir, **options):
        if not (demo_dir / "summer_2022" / "issue.toml").is_file():
            raise CommandError(f"{demo_dir} holds no summer_2022/issue.toml.")
        self.demo_dir = demo_dir
        with transaction.atomic():
            self.load_registers()
            page = self.load_issue()
        self.stdout.write(f"Loaded {page.title}: {len(page.body)} top-level blocks.")

    def rows(self, name):
        with open(self.demo_dir / "registers" / name, encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    def rich_text(self, relative_path):
        text = (self.demo_dir / "summer_2022" / relative_path).read_text(encoding="utf-8")
        return BLOCK_TAG.sub(r"\1", " ".join(text.split()))

    def load_registers(self):
        for model in (GroupOfficer, MemberEconomy, Organization, Guide, Meeting):
            model.objects.all().delete()
        for row in self.rows("economies.csv"):
            MemberEconomy.objects.create(
                name=row["name"],
                sort_name=row["sort_name"],
                joined_on=optional_date(row["joined_on"]),
                eu_member_states=int(row["eu_member_states"]) if row["eu_member_states"] else None,
            )
        for row in self.rows("officers.csv"):
            GroupOfficer.objects.create(
                name=row["name"],
                role=row["role"],
                economy=MemberEconomy.objects.get(name=row["economy"]),
                term_start=date.fromisoformat(row["term_start"]),
                term_end=optional_date(row["term_end"]),
            )
        for position, row in enumerate(self.rows("organizations.csv"), 1):
            Organization.objects.create(
                name=row["name"], website=row["website"], display_order=position
            )
        for row in self.rows("guides.csv"):
            Guide.objects.create(title=row["title"], audience=row["audience"], url=row["url"])
        for row in self.rows("meetings.csv"):
            Meeting.objects.create(
                kind=row["kind"],
                date=date.fromisoformat(row["date"]),
                title=row["title"],
                recording_url=row["recording_url"],
            )

    def load_issue(self):
        with open(self.demo_dir / "summer_2022" / "issue.toml", "rb") as file:
            data = tomllib.load(file)
        fields = data["issue"]
        NewsletterIssuePage.objects.filter(slug=fields["slug"]).delete()
        page = NewsletterIssuePage(
            title=fields["title"],
            slug=fields["slug"],
            summary=fields["summary"],
            published_on=fields["published_at"].date(),
            body=self.stream(data["sections"]),
        )
        home = Page.objects.get(depth=2)  # the home page Wagtail's migrations create
        home.add_child(instance=page)
        page.guides.set(Guide.objects.all())
        page.organizations.set(Organization.objects.all())
        page.save_revision().publish()
        return page

    def stream(self, sections):
        """The StreamField's raw value: top-level sections and boxes in
        reading order, each child under the section its `parent` names."""
        blocks, by_anchor = [], {}
        for section in sections:
            kind = section.get("kind", "article")
            value = self.box(section) if kind == "box" else self.section(section, kind)
            parent = section.get("parent")
            if parent is None:
                blocks.append({"type": "box" if kind == "box" else "section", "value": value})
                if kind != "box":
                    by_anchor[section["anchor"]] = value
            elif parent in by_anchor:
                children = "boxes" if kind == "box" else "subsections"
                by_anchor[parent][children].append(value)
            else:
                raise CommandError(
                    f"Section {section['anchor']!r}: its parent {parent!r} is not a "
                    "top-level section (not a box) listed before it."
                )
        return blocks

    def section(self, section, kind):
        value = {
            "title": section["title"],
            "anchor": section["anchor"],
            "kind": kind,
            "body": self.rich_text(section["body_file"]) if "body_file" in section else "",
            "interviewee_name": section.get("interviewee_name", ""),
            "interviewee_organization": section.get("interviewee_organization", ""),
            "interviewee_bio": (
                self.rich_text(section["interviewee_bio_file"])
                if "interviewee_bio_file" in section
                else ""
            ),
            "questions": [
                {"question": item["question"], "answer": self.rich_text(item["answer_file"])}
                for item in section.get("questions", [])
            ],
            "links": links(section),
        }
        if "parent" not in section:
            value |= {
                "number": section.get("number"),
                "signatory_title": section.get("signatory_title", ""),
                "signatory_name": section.get("signatory_name", ""),
                "signatory_economy": section.get("signatory_economy", ""),
                "listing": section.get("listing", ""),
                "subsections": [],
                "boxes": [],
            }
        return value

    def box(self, section):
        return {
            "title": section["title"],
            "anchor": section["anchor"],
            "box_style": section.get("box_style", "plain"),
            "body": self.rich_text(section["body_file"]) if "body_file" in section else "",
            "listing": section.get("listing", ""),
            "links": links(section),
        }


def links(section):
    return [{"label": link["label"], "url": link["url"]} for link in section.get("links", [])]


def optional_date(text):
    return date.fromisoformat(text) if text else None
