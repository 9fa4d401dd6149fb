"""The house rules of the production code that a newcomer relies on
(README.md, "Conventions"): one module per name within an app, modules short
enough to read, and templates of each engine in their own folders."""

from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ["msme_portal", "network", "guides", "newsletters"]
MAX_MODULE_LINES = 450


def modules(package):
    return [
        path
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "__init__.py"
    ]


def same_named(paths):
    by_name = defaultdict(list)
    for path in paths:
        by_name[path.name].append(str(path.relative_to(ROOT)))
    return {name: found for name, found in by_name.items() if len(found) > 1}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_two_modules_of_an_app_share_a_name(package):
    # "Which issues.py?" costs every reader a detour.
    assert same_named(modules(package)) == {}


def test_the_name_check_finds_a_repeated_name():
    paths = [ROOT / "app/models/issues.py", ROOT / "app/views/issues.py", ROOT / "app/urls.py"]
    assert same_named(paths) == {"issues.py": ["app/models/issues.py", "app/views/issues.py"]}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_longer_than_a_reader_can_hold(package):
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules(package)
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def template_files(folder_name):
    return [
        path.relative_to(ROOT)
        for package in [*PACKAGES, "templates"]
        for path in sorted((ROOT / package).rglob("*"))
        if path.is_file() and folder_name in path.relative_to(ROOT).parts
    ]


def test_django_templates_are_the_admins_only():
    # Everything the public sees is Jinja2, in jinja2/ folders.
    outside_admin = [
        str(path)
        for path in template_files("templates")
        if path.parts[path.parts.index("templates") + 1] != "admin"
    ]
    assert template_files("templates"), "the admin's templates were not found"
    assert outside_admin == []


def test_jinja2_templates_use_no_django_template_tags():
    # A Django template in a jinja2/ folder would fail only when rendered.
    django_syntax = [
        str(path)
        for path in template_files("jinja2")
        if path.suffix in {".html", ".txt"} and "{% load " in (ROOT / path).read_text()
    ]
    assert template_files("jinja2"), "the Jinja2 templates were not found"
    assert django_syntax == []
