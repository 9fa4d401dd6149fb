"""The test suite's own layout: shared helpers live in helper modules
(tests/factories.py, tests/images.py, tests/smtp.py, tests/processes.py, a
folder's helpers.py, services.py or conftest.py), so no test module imports
another test module, nor a conftest.py, which pytest loads by itself."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_names(source, module):
    """The absolute names `source` (the text of `module`) imports: modules,
    and the names a `from ... import` takes, which may be modules too."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def is_test_module_or_conftest(name):
    last = name.rsplit(".", 1)[-1]
    return name.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def forbidden_imports(source, module):
    return [
        name
        for name in imported_names(source, module)
        if is_test_module_or_conftest(name) and name != module
    ]


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in forbidden_imports(path.read_text(), module_name(path))
    ]
    assert offences == []


@pytest.mark.parametrize(
    "source",
    [
        "from tests.newsletters.test_sending import FAST",
        "import tests.msme_portal.test_images",
        "from tests.browser.conftest import browser_type_launch_args",
        "from tests.newsletters import test_admin",
        "from .test_admin import section_form_data",
        "from . import conftest",
        "def helper():\n    from tests.newsletters.test_admin import post_section",
    ],
)
def test_the_check_sees_each_way_of_importing_a_test_module(source):
    assert forbidden_imports(source, "tests.newsletters.test_example")


def test_the_check_lets_helper_modules_be_imported():
    source = (
        "from tests.factories import make_issue\n"
        "from tests import images\n"
        "from tests.newsletters.helpers import FAST\n"
        "from .helpers import statuses\n"
    )
    assert forbidden_imports(source, "tests.newsletters.test_example") == []
