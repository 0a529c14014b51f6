"""The demo clinic page and the files the chat widget needs, served by the API."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_widget", ROOT / "api/web/build_widget.py")
assert spec and spec.loader
build_widget = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_widget)


def test_page_shows_the_clinic_from_its_profile(client: TestClient, settings: Settings) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<title>Bespoke Treatment" in html
    assert "Los Angeles ketamine clinic" in html and "Santa Monica Spravato clinic" in html
    assert 'href="tel:+13105550142"' in html and 'href="tel:988"' in html
    assert f'data-assistant-url="{settings.assistant_url}"' in html
    assert "googleapis" not in html and "cdn" not in html.lower()


def test_page_follows_an_edited_profile(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    profile = (
        (ROOT / "clinic" / "profile.yml")
        .read_text()
        .replace("name: Bespoke Treatment", "name: Harbor <Mind> Clinic")
    )
    settings.clinic_profile_path = tmp_path / "profile.yml"
    settings.clinic_profile_path.write_text(profile)
    html = client.get("/").text
    assert "Harbor &lt;Mind&gt; Clinic" in html and "<Mind>" not in html


def test_widget_loader_is_served(client: TestClient) -> None:
    loader = client.get("/static/widget.js")
    assert loader.status_code == 200 and "WebChat.default" in loader.text


def test_google_fonts_import_is_removed_from_the_bundle() -> None:
    bundle = 'x.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400&display=swap);",""])'
    assert build_widget.strip_third_party_fonts(bundle) == 'x.push([e.i,"",""])'
    with pytest.raises(ValueError):
        build_widget.strip_third_party_fonts("no import here")
