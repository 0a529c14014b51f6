"""The layout's rules, read from the source: which folder may import which, and module size.

Each process folder has one direction: the Rasa server's `bot/` and the API's `api/` never reach
into the action server's `actions/`; `actions/` and `api/` never load Rasa's `bot/`; the shared
kernel `clinic/` depends on none of them. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("actions", "api", "bot", "clinic", "tools")
FORBIDDEN = {
    "bot": {"actions"},
    "api": {"actions", "bot", "tools"},
    "clinic": {"actions", "bot", "api", "tools"},
    "tools": {"actions"},
    "actions": {"bot", "api", "tools"},
}
MAX_LINES = 400


def python_files(package: str) -> list[Path]:
    return sorted(
        path for path in (ROOT / package).rglob("*.py") if "node_modules" not in path.parts
    )


def imported_packages(source: str) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every import statement, at any depth of the module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Call) and (module := _dynamic_import(node)):
            yield node.lineno, module.split(".")[0]


def _dynamic_import(node: ast.Call) -> str | None:
    """The module named by `importlib.import_module("...")` or `__import__("...")`."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def violations(package: str) -> list[str]:
    found = []
    for path in python_files(package):
        for line, imported in imported_packages(path.read_text(encoding="utf-8")):
            if imported in FORBIDDEN[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_run_one_way(package: str) -> None:
    assert violations(package) == []


def test_the_walk_sees_every_form_of_import() -> None:
    source = (
        "import actions.lead_form\n"
        "from bot import crisis\n"
        "def later():\n"
        "    from api.core.config import get_settings\n"
        "    importlib.import_module('tools.review')\n"
        "from . import sibling\n"
    )
    assert [package for _, package in imported_packages(source)] == [
        "actions",
        "bot",
        "api",
        "tools",
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_the_size_limit(package: str) -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in python_files(package)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_the_lead_form_stays_thin() -> None:
    assert len((ROOT / "actions" / "lead_form.py").read_text(encoding="utf-8").splitlines()) < 300
