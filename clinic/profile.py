"""The clinic's profile (clinic/profile.yml): its name, phone, hours, clinics and people.

Every process reads the same file: the action server for triage, the API for the website, and
tools/domain_writer.py, which copies the facts into the domain's clinic_* slots before training
so the answers carry them even when the action server is down.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROFILE_PATH = Path(__file__).with_name("profile.yml")
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
            Clinic(
                c["id"],
                c["name"],
                c["address"],
                float(c["latitude"]),
                float(c["longitude"]),
                tuple(c["treatments"]),
            )
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
            "clinic_consultation_price": "free"
            if self.raw.get("first_consultation_free")
            else "not free",
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
    profile: dict[str, Any] = yaml.safe_load(path.read_text())
    return profile
