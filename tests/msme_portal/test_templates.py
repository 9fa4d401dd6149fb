"""Templates load nothing from another host: the site works offline and
under a strict Content-Security-Policy."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/jinja2")]

# src/href attributes, CSS url() and @import that point at another host.
EXTERNAL_RESOURCE = re.compile(
    r"""(?:<(?:script|img|iframe|link|source|video|audio|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


def project_templates():
    for directory in TEMPLATE_DIRS:
        yield from directory.rglob("*.html")
        yield from directory.rglob("*.txt")


def test_there_are_templates_to_check():
    assert len(list(project_templates())) >= 5


@pytest.mark.parametrize("path", list(project_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_loads_nothing_from_another_host(path):
    text = path.read_text(encoding="utf-8")
    match = EXTERNAL_RESOURCE.search(text)
    assert match is None, f"{path}: loads an external resource: {match.group(0)!r}"


@pytest.mark.parametrize("path", list((ROOT / "static").rglob("*.css")), ids=str)
def test_stylesheets_load_nothing_from_another_host(path):
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL_RESOURCE.search(text)


def test_the_checker_catches_an_external_script():
    assert EXTERNAL_RESOURCE.search('<script src="https://cdn.example.org/x.js"></script>')
    assert EXTERNAL_RESOURCE.search("<link rel=stylesheet href=//fonts.example.org/css>")
    assert EXTERNAL_RESOURCE.search("body { background: url('https://x.example/a.png') }")
    assert not EXTERNAL_RESOURCE.search('<a href="https://trade4msmes.org/">link</a>')
