"""Who may import whom: msme_portal imports no app, and the registers
(network, guides) import nothing from newsletters. Every import counts,
including those inside functions and by import_module("...")."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

APPS = {"network", "guides", "newsletters"}


def imported_modules(source, package):
    """Every module name `source` (a module of `package`) imports, at any
    depth: in functions and classes too."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Relative: resolved against the module's package.
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                if node.module:
                    yield f"{base}.{node.module}"
                else:
                    yield from (f"{base}.{alias.name}" for alias in node.names)
            else:
                yield node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def imports_of(folder, forbidden):
    """(file, module) for each import, in the .py files under `folder`, of a
    module of a `forbidden` package."""
    base = Path(settings.BASE_DIR)
    found = []
    for path in sorted((base / folder).rglob("*.py")):
        package = ".".join(path.relative_to(base).parent.parts)
        for module in imported_modules(path.read_text(), package):
            if module.split(".")[0] in forbidden:
                found.append((str(path.relative_to(base)), module))
    return found


@pytest.mark.parametrize("register", ["network", "guides"])
def test_the_registers_import_nothing_from_newsletters(register):
    assert imports_of(register, {"newsletters"}) == []


def test_the_project_package_imports_no_app():
    assert imports_of("msme_portal", APPS) == []


def test_every_kind_of_import_is_seen():
    source = (
        "import guides.models\n"
        "from network import views\n"
        "from . import officers\n"
        "from ..newsletters.models import Issue\n"
        "def view():\n"
        "    from newsletters.page_cache import cache_public_page\n"
        "    return importlib.import_module('newsletters.views')\n"
    )
    assert set(imported_modules(source, "msme_portal.management")) == {
        "guides.models",
        "network",
        "msme_portal.management.officers",
        "msme_portal.newsletters.models",
        "newsletters.page_cache",
        "newsletters.views",
    }
