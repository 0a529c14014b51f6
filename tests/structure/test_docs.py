"""The documentation stays in step with the code it describes.

- docs/settings.md lists every setting of .env.example, no other, with the same default. A
  setting row is a row of a Markdown table whose header starts with "setting": its first cell
  is the name in backticks, its second the default in backticks, or *empty* for an empty value.
- README.md stays short (at most 150 lines).
- Every relative link in README.md and docs/*.md points to a file that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.settings import env_example

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DOC = ROOT / "docs" / "settings.md"
README = ROOT / "README.md"
README_MAX_LINES = 150
EMPTY = "*empty*"

# [text](target) and ![alt](target); the target ends at whitespace or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")


def table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def documented_settings() -> dict[str, tuple[str, int]]:
    """{name: (default as in .env.example, line number)} from the setting tables of settings.md."""
    documented: dict[str, tuple[str, int]] = {}
    in_table = is_settings_table = False
    for number, line in enumerate(SETTINGS_DOC.read_text().splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = table_cells(line)
        if not in_table:
            # A table's header row: only tables headed "setting" list settings.
            in_table = True
            is_settings_table = cells[0].lower() == "setting"
            continue
        if not is_settings_table or set(cells[0]) <= set("-: "):
            continue
        assert len(cells) >= 2, f"docs/settings.md:{number}: a setting row needs a default column"
        name_cell, default_cell = cells[0], cells[1]
        name = re.fullmatch(r"`([A-Z][A-Z0-9_]*)`", name_cell)
        assert name, (
            f"docs/settings.md:{number}: first column must be one setting name in backticks: "
            f"{name_cell!r}"
        )
        if default_cell == EMPTY:
            default = ""
        else:
            value = re.fullmatch(r"`([^`]*)`", default_cell)
            assert value, (
                f"docs/settings.md:{number}: default must be the value in backticks or "
                f"{EMPTY}: {default_cell!r}"
            )
            default = value.group(1)
        assert name.group(1) not in documented, (
            f"docs/settings.md:{number}: {name.group(1)} listed twice"
        )
        documented[name.group(1)] = (default, number)
    return documented


def test_every_setting_of_env_example_is_documented() -> None:
    missing = sorted(set(env_example()) - set(documented_settings()))
    assert not missing, f"in .env.example but not in docs/settings.md: {missing}"


def test_docs_list_no_setting_that_env_example_lacks() -> None:
    extra = sorted(set(documented_settings()) - set(env_example()))
    assert not extra, f"in docs/settings.md but not in .env.example: {extra}"


def test_documented_defaults_match_env_example() -> None:
    example = env_example()
    wrong = [
        f"{name} (docs/settings.md:{number}): docs say {default or EMPTY!r}, "
        f".env.example says {example[name] or EMPTY!r}"
        for name, (default, number) in documented_settings().items()
        if name in example and default != example[name]
    ]
    assert not wrong, "defaults differ:\n" + "\n".join(wrong)


def test_readme_is_short() -> None:
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines; at most {README_MAX_LINES} (move detail to docs/)"
    )


def markdown_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def relative_links(path: Path) -> list[tuple[int, str]]:
    """(line, target) of every link outside code that is not a URL or an anchor on the same page."""
    links: list[tuple[int, str]] = []
    in_fence = False
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for target in LINK.findall(INLINE_CODE.sub("", line)):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
                continue  # http:, https:, mailto: ... and same-page anchors
            links.append((number, target))
    return links


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(path: Path) -> None:
    broken = [
        f"{path.relative_to(ROOT)}:{number}: {target}"
        for number, target in relative_links(path)
        if not (path.parent / target.split("#", 1)[0]).exists()
    ]
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_link_checker_sees_links() -> None:
    # The checker itself: a link in code is ignored, URLs are skipped, a relative one is found.
    sample = ROOT / "README.md"
    assert relative_links(sample), "README.md links to no file: is the link pattern still right?"
    assert LINK.findall("see [the form](docs/lead-form.md#skips) and ![x](docs/widget.png)") == [
        "docs/lead-form.md#skips",
        "docs/widget.png",
    ]


def test_every_service_binds_localhost_unless_told_otherwise() -> None:
    """A fresh clone exposes nothing to the network: visitors come through a reverse proxy
    (docs/deployment.md)."""
    hosts = {name: value for name, value in env_example().items() if name.endswith("_HOST")}
    binds = {name for name in hosts if not name.startswith(("RASA_REDIS", "REDIS", "SMTP"))}
    assert {"API_HOST", "ACTION_SERVER_HOST", "RASA_HOST", "BALANCER_HOST"} <= binds
    assert {name: hosts[name] for name in binds} == {name: "127.0.0.1" for name in binds}
