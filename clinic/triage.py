"""Triage of a lead: nearest clinic, service area, qualification, and a hint for staff.

Pure functions over the clinic profile (clinic/profile.yml), so they are easy to test and
the API can store exactly what was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic.lead import AntidepressantsTried, TreatmentInterest
from clinic.places import Place, miles_between
from clinic.profile import Clinic, ClinicProfile


@dataclass(frozen=True)
class ServiceArea:
    clinic: Clinic
    distance_miles: float
    in_area: bool


def service_area(place: Place, treatment: str | None, profile: ClinicProfile) -> ServiceArea:
    """The nearest clinic that offers the treatment (any clinic when unsure or unknown)."""
    clinics = [c for c in profile.clinics if treatment in c.treatments] or profile.clinics
    nearest = min(
        clinics,
        key=lambda c: miles_between(place.latitude, place.longitude, c.latitude, c.longitude),
    )
    distance = miles_between(place.latitude, place.longitude, nearest.latitude, nearest.longitude)
    return ServiceArea(nearest, round(distance, 1), distance <= profile.service_radius_miles)


def is_qualified(adult: bool, contactable: bool, consent: bool, in_area: bool) -> bool:
    """Qualified: an adult with a valid contact, consent, and a location in the service area."""
    return adult and contactable and consent and in_area


def suggested_consult(treatment: str | None, antidepressants_tried: str | None) -> str:
    """A hint for the staff preparing the consultation. Never shown to the visitor."""
    if antidepressants_tried == AntidepressantsTried.two_or_more.value:
        hint = (
            "2+ antidepressants tried: fits the treatment-resistant criteria for Spravato and "
            "TMS; review IV ketamine too"
        )
    elif antidepressants_tried in (AntidepressantsTried.none.value, AntidepressantsTried.one.value):
        hint = (
            f"{antidepressants_tried} antidepressant(s) tried: below the usual treatment-resistant "
            "threshold for Spravato and TMS coverage; review history and options"
        )
    else:
        hint = "antidepressant history unknown: take a full medication history"
    if treatment and treatment != TreatmentInterest.unsure.value:
        hint += f"; visitor asked about {treatment}"
    return hint
