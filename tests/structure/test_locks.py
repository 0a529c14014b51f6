"""The lock files agree with pyproject.toml, and an edit of a range without `make lock` shows."""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.setup.check_locks import LOCKS, problems

ROOT = Path(__file__).resolve().parents[2]


def copy_of_the_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    return tmp_path


def test_the_committed_locks_match_pyproject() -> None:
    assert problems(ROOT) == []


def test_a_range_edited_without_make_lock_is_caught(tmp_path: Path) -> None:
    root = copy_of_the_project(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('"fastapi>=0.115,<1"', '"fastapi>=0.116,<1"')
    )
    assert problems(root) == [
        "requirements/api.txt is stale: pyproject.toml's api, api-test changed; run `make lock`"
    ]


def test_a_requirement_missing_from_its_lock_is_caught(tmp_path: Path) -> None:
    root = copy_of_the_project(tmp_path)
    lock = root / "requirements" / "dev.txt"
    lock.write_text(lock.read_text().replace("\nruff==", "\nnot-ruff=="))
    assert any(
        problem.startswith("requirements/dev.txt does not pin ruff") for problem in problems(root)
    )


def test_every_lock_is_installed_by_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert all(lock in makefile for lock in LOCKS)
