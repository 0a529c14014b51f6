"""Copy the rasa-webchat bundle from node_modules into static/vendor/, fit to serve ourselves.

The bundle's stylesheet imports the Inter font from Google Fonts. On a clinic's site that request
tells Google who opened a depression-treatment chat, so the import is removed (the page's own
stylesheet sets a system font instead). `make` runs this after `npm ci`; it fails if the bundle
changed so that the import is no longer found, rather than serve a page that calls Google.

    python api/web/build_widget.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "node_modules" / "rasa-webchat" / "lib" / "index.js"
TARGET = HERE / "static" / "vendor" / "webchat.js"
FONT_IMPORT = re.compile(r"@import url\(https://fonts\.googleapis\.com/[^)]*\);")


def strip_third_party_fonts(bundle: str) -> str:
    cleaned, count = FONT_IMPORT.subn("", bundle)
    if count == 0:
        raise ValueError("the Google Fonts import was not found: check the new rasa-webchat bundle")
    if "fonts.googleapis.com" in cleaned or "fonts.gstatic.com" in cleaned:
        raise ValueError("the bundle still refers to Google Fonts")
    return cleaned


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: run `npm ci --prefix api/web` first.", file=sys.stderr)
        return 1
    try:
        bundle = strip_third_party_fonts(SOURCE.read_text(encoding="utf-8"))
    except ValueError as error:
        print(f"Cannot prepare the chat widget: {error}.", file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(bundle, encoding="utf-8")
    print(f"Chat widget ready: {TARGET.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
