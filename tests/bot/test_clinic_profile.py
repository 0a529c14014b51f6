from pathlib import Path

from clinic.profile import load_profile
from tools.domain_writer import main, render_slot_block, update_domain_text

ROOT = Path(__file__).resolve().parents[2]


def test_domain_carries_the_current_profile() -> None:
    assert main(["--check-domain", str(ROOT / "domain.yml")]) == 0


def test_people_keep_their_credentials_exactly_as_the_article_writes_them() -> None:
    people = load_profile().slot_values()["clinic_people"]
    assert "Nima A. Fahimian, MD" in people
    assert "Ben Spielberg, M.S., Ph.D. Candidate" in people
    assert "Dr. Ben" not in people


def test_both_clinics_with_their_treatments() -> None:
    profile = load_profile()
    clinics = {clinic.id: clinic for clinic in profile.clinics}
    assert "ketamine" in clinics["los_angeles"].treatments
    assert "spravato" in clinics["santa_monica"].treatments
    assert profile.service_radius_miles == 50


def test_editing_the_profile_changes_the_answers_slots() -> None:
    profile = load_profile()
    profile.raw["phone"] = "(213) 555-0100"
    block = render_slot_block(profile)
    assert '"[(213) 555-0100](tel:+12135550100)"' in block
    domain = (ROOT / "domain.yml").read_text()
    assert "tel:+12135550100" in update_domain_text(domain, profile)
