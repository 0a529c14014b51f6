"""The clinic profile (bot/clinic_profile.yml) and its copy in the domain.

Responses say "{clinic_phone}", "{clinic_locations}", ...; those slots get their initial values
from the profile, written into a marked block of domain.yml before training:

    python -m bot.clinic_profile --write-domain domain.yml     (make train runs it)
    python -m bot.clinic_profile --check-domain domain.yml     (fails when out of date)

So the answers carry the clinic's facts even when the action server is down.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROFILE_PATH = Path(__file__).with_name("clinic_profile.yml")
BEGIN = "  # BEGIN clinic profile slots (generated from bot/clinic_profile.yml by `make train`; do not edit)"
END = "  # END clinic profile slots"
TREATMENT_NAMES = {"ketamine": "IV ketamine", "spravato": "Spravato", "tms": "TMS"}


@dataclass(frozen=True)
class Clinic:
    id: str
    name: str
    address: str
    latitude: float
    longitude: float
    treatments: tuple[str, ...]


@dataclass(frozen=True)
class ClinicProfile:
    raw: dict[str, Any]

    @property
    def clinics(self) -> list[Clinic]:
        return [
            Clinic(c["id"], c["name"], c["address"], float(c["latitude"]), float(c["longitude"]),
                   tuple(c["treatments"]))
            for c in self.raw["clinics"]
        ]

    @property
    def service_radius_miles(self) -> float:
        return float(self.raw.get("service_radius_miles", 50))

    def slot_values(self) -> dict[str, str]:
        """The text each clinic_* slot holds."""
        locations = "; ".join(
            f"{c.name} ({', '.join(TREATMENT_NAMES.get(t, t) for t in c.treatments)}): {c.address}"
            for c in self.clinics
        )
        people = "; ".join(f"{p['name']} ({p['role']})" for p in self.raw.get("people", []))
        return {
            "clinic_name": self.raw["name"],
            # A Markdown tel: link: the chat widget makes it a tap-to-call link.
            "clinic_phone": f"[{self.raw['phone']}](tel:{tel_uri(self.raw['phone'])})",
            "clinic_hours": self.raw["hours"],
            "clinic_privacy_url": self.raw["privacy_notice_url"],
            "clinic_locations": locations,
            "clinic_people": people,
            "clinic_conditions": self.raw["conditions"],
            "clinic_consultation_price": "free" if self.raw.get("first_consultation_free") else "not free",
            "clinic_service_radius": f"{self.service_radius_miles:g}",
        }


def tel_uri(phone: str) -> str:
    """'(310) 555-0142' -> '+13105550142', for a tel: link."""
    import phonenumbers

    for match in phonenumbers.PhoneNumberMatcher(phone, "US"):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return phone


def load_profile(path: Path = PROFILE_PATH) -> ClinicProfile:
    """The profile in `path`; read again only when the file changes (the action server asks
    for it on every lead, and parsing the YAML each time was measurable in `make bench`)."""
    stat = path.stat()
    # A copy: a caller may change its profile without changing anyone else's.
    return ClinicProfile(copy.deepcopy(_parsed(path.resolve(), stat.st_mtime_ns, stat.st_size)))


@lru_cache(maxsize=8)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


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
            print(f"{domain_path} is out of date with {PROFILE_PATH}: run `make train`.", file=sys.stderr)
            return 1
        return 0
    if updated != current:
        domain_path.write_text(updated)
        print(f"Updated the clinic profile slots in {domain_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
