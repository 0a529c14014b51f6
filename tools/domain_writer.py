"""Copy the clinic profile's facts into the marked block of domain.yml's clinic_* slots.

    python -m tools.domain_writer --write-domain domain.yml     (make train runs it)
    python -m tools.domain_writer --check-domain domain.yml     (fails when out of date)

Responses say "{clinic_phone}", "{clinic_locations}", ...; those slots get their initial values
from clinic/profile.yml, so the answers carry the clinic's facts even when the action server is
down.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clinic.profile import PROFILE_PATH, ClinicProfile, load_profile

BEGIN = (
    "  # BEGIN clinic profile slots "
    "(generated from clinic/profile.yml by `make train`; do not edit)"
)
END = "  # END clinic profile slots"


def render_slot_block(profile: ClinicProfile) -> str:
    lines = [BEGIN]
    for name, value in profile.slot_values().items():
        lines += [
            f"  {name}:",
            "    type: text",
            f"    initial_value: {json.dumps(value)}",
            "    influence_conversation: false",
            "    mappings:",
            "      - type: custom",
        ]
    lines.append(END)
    return "\n".join(lines)


def update_domain_text(domain_text: str, profile: ClinicProfile) -> str:
    start, end = domain_text.index(BEGIN), domain_text.index(END) + len(END)
    return domain_text[:start] + render_slot_block(profile) + domain_text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write-domain", type=Path)
    group.add_argument("--check-domain", type=Path)
    args = parser.parse_args(argv)
    profile = load_profile()
    domain_path: Path = args.write_domain or args.check_domain
    current = domain_path.read_text()
    updated = update_domain_text(current, profile)
    if args.check_domain:
        if updated != current:
            print(
                f"{domain_path} is out of date with {PROFILE_PATH}: run `make train`.",
                file=sys.stderr,
            )
            return 1
        return 0
    if updated != current:
        domain_path.write_text(updated)
        print(f"Updated the clinic profile slots in {domain_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
