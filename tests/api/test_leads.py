import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from tests.api.conftest import lead_body, make_app, service_headers

CONTRACT_422 = Path(__file__).resolve().parents[1] / "contracts" / "lead_refused_422.json"


def test_create_lead_stores_normalised_contact_details(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    response = client.post("/api/leads", json=lead_body(), headers=service_headers())
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert set(receipt) == {"id", "status"}  # the service token creates, it does not read
    assert receipt["status"] == "new"
    lead = client.get(f"/api/leads/{receipt['id']}", headers=staff_headers).json()
    assert lead["phone"] == "+12135550177"
    assert lead["email"] == "david.kim@example.com"
    assert lead["conversation_id"] == "conversation-1"


def test_replay_with_same_key_returns_first_lead_and_stores_nothing_new(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    first = client.post("/api/leads", json=lead_body(), headers=service_headers("key-0001"))
    replay = client.post(
        "/api/leads", json=lead_body(full_name="Someone Else"), headers=service_headers("key-0001")
    )
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json() == first.json()
    stored = client.get(f"/api/leads/{first.json()['id']}", headers=staff_headers).json()
    assert stored["full_name"] == "David Kim"
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 1


def test_different_visitors_store_different_leads(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    client.post("/api/leads", json=lead_body(), headers=service_headers("key-0001"))
    client.post(
        "/api/leads",
        json=lead_body(phone="310-555-0111", email="other@example.com"),
        headers=service_headers("key-0002"),
    )
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 2


def test_list_is_newest_first_and_paginated(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    for index in range(3):
        client.post(
            "/api/leads",
            json=lead_body(
                full_name=f"Visitor {index}",
                phone=f"310-555-01{index:02d}",
                email=f"v{index}@example.com",
            ),
            headers=service_headers(f"key-{index:04d}"),
        )
    page = client.get("/api/leads?limit=2&offset=0", headers=staff_headers).json()
    assert page["total"] == 3
    assert [item["full_name"] for item in page["items"]] == ["Visitor 2", "Visitor 1"]
    rest = client.get("/api/leads?limit=2&offset=2", headers=staff_headers).json()
    assert [item["full_name"] for item in rest["items"]] == ["Visitor 0"]


def test_bad_pagination_is_422(client: TestClient, staff_headers: dict[str, str]) -> None:
    assert client.get("/api/leads?limit=0", headers=staff_headers).status_code == 422
    assert client.get("/api/leads?limit=abc", headers=staff_headers).status_code == 422


def test_create_requires_service_token(client: TestClient, staff_headers: dict[str, str]) -> None:
    no_token = client.post("/api/leads", json=lead_body(), headers={"Idempotency-Key": "key-0001"})
    staff_token = client.post(
        "/api/leads", json=lead_body(), headers={**staff_headers, "Idempotency-Key": "key-0001"}
    )
    assert no_token.status_code == 401
    assert staff_token.status_code == 401


def test_create_requires_idempotency_key(client: TestClient) -> None:
    headers = service_headers()
    del headers["Idempotency-Key"]
    response = client.post("/api/leads", json=lead_body(), headers=headers)
    assert response.status_code == 422
    assert any(error["field"] == "Idempotency-Key" for error in response.json()["errors"])


def test_reading_leads_requires_staff_token(client: TestClient) -> None:
    assert client.get("/api/leads").status_code == 401
    assert client.get("/api/leads", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_unknown_lead_and_an_id_that_is_not_a_uuid_are_404(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    missing = client.get("/api/leads/00000000-0000-0000-0000-000000000000", headers=staff_headers)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No lead with that id."}
    assert client.get("/api/leads/not-a-uuid", headers=staff_headers).status_code == 404
    # Only GET exists at the export's address: PATCH is not taken for a lead id.
    assert (
        client.patch("/api/leads/export.csv", json={"note": "x"}, headers=staff_headers).status_code
        == 405
    )


def _errors(response) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == "The request is not valid."
    return " ".join(error["message"] for error in body["errors"])


def test_invalid_phone_is_422_with_reason(client: TestClient) -> None:
    message = _errors(
        client.post("/api/leads", json=lead_body(phone="12345"), headers=service_headers())
    )
    assert "phone" in message


def test_invalid_email_is_422_with_reason(client: TestClient) -> None:
    message = _errors(
        client.post("/api/leads", json=lead_body(email="david@"), headers=service_headers())
    )
    assert "email" in message


def test_lead_without_any_contact_is_rejected(client: TestClient) -> None:
    message = _errors(
        client.post("/api/leads", json=lead_body(phone=None, email=None), headers=service_headers())
    )
    assert "phone number or an email" in message


def test_email_only_lead_is_accepted(client: TestClient, staff_headers: dict[str, str]) -> None:
    response = client.post("/api/leads", json=lead_body(phone=None), headers=service_headers())
    assert response.status_code == 201
    stored = client.get(f"/api/leads/{response.json()['id']}", headers=staff_headers).json()
    assert stored["phone"] is None


def test_lead_without_consent_is_rejected(client: TestClient) -> None:
    message = _errors(
        client.post("/api/leads", json=lead_body(contact_consent=False), headers=service_headers())
    )
    assert "consent" in message


def test_unknown_treatment_and_bad_zip_are_rejected(client: TestClient) -> None:
    _errors(
        client.post(
            "/api/leads", json=lead_body(treatment_interest="surgery"), headers=service_headers()
        )
    )
    _errors(client.post("/api/leads", json=lead_body(zip_code="9002"), headers=service_headers()))


def test_unknown_fields_are_rejected(client: TestClient) -> None:
    message = _errors(
        client.post("/api/leads", json=lead_body(status="scheduled"), headers=service_headers())
    )
    assert "Extra inputs" in message


def test_validation_errors_do_not_echo_contact_details(client: TestClient) -> None:
    response = client.post(
        "/api/leads", json=lead_body(phone="555-NOT-REAL"), headers=service_headers()
    )
    assert response.status_code == 422
    assert "555-NOT-REAL" not in response.text


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/leads",
        content=b"{not json",
        headers={**service_headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post(
        "/api/leads", json=lead_body(full_name="x" * 100_000), headers=service_headers()
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/leads", "/api/auth/token", "/staff/login"])
def test_an_oversized_chunked_body_is_413_before_any_route_reads_it(
    client: TestClient, path: str
) -> None:
    """Chunked transfer declares no length: the count is of what arrives."""
    chunks = (b"x" * 16384 for _ in range(512))  # 8 MiB, 16 KiB at a time
    response = client.post(path, content=chunks, headers=service_headers())
    assert "content-length" not in response.request.headers  # chunked, as a streaming client
    assert response.status_code == 413
    assert "larger than 65536 bytes" in response.json()["detail"]


def test_a_chunked_body_under_the_limit_reaches_the_route(client: TestClient) -> None:
    body = json.dumps(lead_body()).encode()
    response = client.post(
        "/api/leads",
        content=(body[i : i + 100] for i in range(0, len(body), 100)),
        headers={**service_headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


def test_triage_and_consent_record_are_stored(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    body = lead_body(
        age_confirmed=True,
        antidepressants_tried="2+",
        preferred_contact_time="weekday evenings",
        payment_method="insurance",
        consent_text_version="v1",
        consented_at="2026-11-26T17:00:00Z",
        consent_call=True,
        consent_text=True,
        consent_email=False,
        in_service_area=True,
        distance_miles=3.2,
        nearest_clinic="Los Angeles ketamine clinic",
        qualified=True,
        urgent=True,
        suggested_consult="2+ antidepressants tried",
        utm_source="google",
        utm_medium="cpc",
        utm_campaign="fall",
    )
    created = client.post("/api/leads", json=body, headers=service_headers()).json()
    stored = client.get(f"/api/leads/{created['id']}", headers=staff_headers).json()
    for field in (
        "antidepressants_tried",
        "nearest_clinic",
        "qualified",
        "urgent",
        "utm_campaign",
        "distance_miles",
    ):
        assert stored[field] == body[field]
    assert stored["consented_at"] == "2026-11-26T17:00:00Z"


def test_consent_channel_needs_the_matching_contact(client: TestClient) -> None:
    message = _errors(
        client.post(
            "/api/leads", json=lead_body(email=None, consent_email=True), headers=service_headers()
        )
    )
    assert "consent to email" in message


def test_qualified_lead_must_be_adult_in_area(client: TestClient) -> None:
    message = _errors(
        client.post(
            "/api/leads",
            json=lead_body(qualified=True, age_confirmed=False, in_service_area=True),
            headers=service_headers(),
        )
    )
    assert "qualified" in message


def test_unknown_answer_options_are_rejected(client: TestClient) -> None:
    _errors(
        client.post(
            "/api/leads", json=lead_body(antidepressants_tried="3"), headers=service_headers()
        )
    )
    _errors(
        client.post(
            "/api/leads", json=lead_body(payment_method="bitcoin"), headers=service_headers()
        )
    )


def test_a_likely_repeat_is_a_lead_of_its_own_linked_both_ways(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    """Someone typing another person's phone must not reach, change or read that person's lead."""
    first = client.post("/api/leads", json=lead_body(), headers=service_headers("key-first")).json()
    again = client.post(
        "/api/leads",
        json=lead_body(
            conversation_id="conversation-2",
            full_name="Someone Else",
            email="someone.else@example.com",
            treatment_interest="tms",
            urgent=True,
            consent_email=False,
        ),
        headers=service_headers("key-second"),
    )
    assert again.status_code == 201
    assert set(again.json()) == {"id", "status"}  # nothing of the first person comes back
    assert again.json()["id"] != first["id"]
    earlier = client.get(f"/api/leads/{first['id']}", headers=staff_headers).json()
    later = client.get(f"/api/leads/{again.json()['id']}", headers=staff_headers).json()
    assert (earlier["full_name"], earlier["urgent"], earlier["email"]) == (
        "David Kim",
        False,
        "david.kim@example.com",
    )
    assert (later["full_name"], later["urgent"], later["repeat_of_id"]) == (
        "Someone Else",
        True,
        first["id"],
    )
    assert earlier["repeat_ids"] == [later["id"]] and earlier["repeat_of_id"] is None
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 2
    replay = client.post(
        "/api/leads", json=lead_body(email=None), headers=service_headers("key-second")
    )
    assert replay.status_code == 200 and replay.json() == again.json()


def test_the_same_email_also_links_a_likely_repeat(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    first = client.post(
        "/api/leads", json=lead_body(phone=None), headers=service_headers("key-aaaa")
    ).json()
    again = client.post(
        "/api/leads", json=lead_body(phone="213-555-0100"), headers=service_headers("key-bbbb")
    ).json()
    assert again["id"] != first["id"]
    stored = client.get(f"/api/leads/{again['id']}", headers=staff_headers).json()
    assert stored["repeat_of_id"] == first["id"]


def test_a_lead_older_than_30_days_is_not_linked(
    client: TestClient,
    session_factory,
    staff_headers: dict[str, str],
) -> None:
    from datetime import timedelta

    from api.models import Lead, utcnow

    first = client.post("/api/leads", json=lead_body(), headers=service_headers("key-older")).json()
    with session_factory() as session:
        lead = session.get(Lead, __import__("uuid").UUID(first["id"]))
        lead.created_at = utcnow() - timedelta(days=31)
        session.commit()
    again = client.post("/api/leads", json=lead_body(), headers=service_headers("key-newer"))
    assert again.status_code == 201
    stored = client.get(f"/api/leads/{again.json()['id']}", headers=staff_headers).json()
    assert stored["repeat_of_id"] is None  # older than 30 days: not linked
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 2


def limited_client(
    settings: Settings, session_factory: sessionmaker[Session], rule: str
) -> TestClient:
    return TestClient(
        make_app(settings.model_copy(update={"lead_rate_limit": rule}), session_factory)
    )


def test_lead_creation_beyond_the_rate_limit_is_429_and_stores_nothing(
    settings: Settings,
    session_factory: sessionmaker[Session],
    staff_headers: dict[str, str],
    client: TestClient,
) -> None:
    with limited_client(settings, session_factory, "3/minute") as limited:
        codes = [
            limited.post(
                "/api/leads",
                json=lead_body(phone=f"310-555-01{n:02d}", email=None),
                headers=service_headers(f"key-{n:04d}"),
            ).status_code
            for n in range(5)
        ]
        refused = limited.post(
            "/api/leads",
            json=lead_body(email=None, phone="310-555-0199"),
            headers=service_headers("key-0099"),
        )
    assert codes == [201, 201, 201, 429, 429]
    assert refused.status_code == 429
    assert "Too many leads" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 3


def test_requests_without_the_service_token_do_not_use_up_the_limit(
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    with limited_client(settings, session_factory, "1/minute") as limited:
        for _ in range(3):
            assert (
                limited.post(
                    "/api/leads", json=lead_body(), headers={"Idempotency-Key": "key-0001"}
                ).status_code
                == 401
            )
        assert (
            limited.post("/api/leads", json=lead_body(), headers=service_headers()).status_code
            == 201
        )


def test_nul_characters_are_refused_not_stored(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    # PostgreSQL cannot store NUL in text: found by schemathesis as a 500 on PostgreSQL.
    assert (
        client.post(
            "/api/leads", json=lead_body(full_name="David\x00Kim"), headers=service_headers()
        ).status_code
        == 422
    )
    assert (
        client.get("/api/leads", params={"q": "Da\x00vid"}, headers=staff_headers).status_code
        == 422
    )
    login = client.post(
        "/api/auth/token",
        data={"username": "front\x00desk@clinic.example", "password": "whatever it is"},
    )
    assert login.status_code == 401
    assert client.get("/api/leads", headers=staff_headers).json()["total"] == 0


CRISIS_RECORD = {"crisis_tier": "crisis", "crisis_category": "means", "crisis_turn": 3}
CHECK_IN_RECORD = {"crisis_tier": "check_in", "crisis_category": "hedged", "crisis_turn": 2}


def test_the_crisis_record_is_stored_and_read_back(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    def stored(body: dict[str, object], key: str) -> dict[str, object]:
        receipt = client.post("/api/leads", json=body, headers=service_headers(key))
        assert receipt.status_code == 201, receipt.text
        return dict(client.get(f"/api/leads/{receipt.json()['id']}", headers=staff_headers).json())

    crisis = stored(lead_body(**CRISIS_RECORD), "key-0001")
    assert {field: crisis[field] for field in CRISIS_RECORD} == CRISIS_RECORD
    # The crisis reply was given: urgent, even from a caller that did not say so.
    assert crisis["urgent"] is True
    check_in = stored(
        lead_body(phone="310-555-0111", email="other@example.com", **CHECK_IN_RECORD), "key-0002"
    )
    assert {field: check_in[field] for field in CHECK_IN_RECORD} == CHECK_IN_RECORD
    assert check_in["urgent"] is False  # a check-in is not urgent by itself
    plain = stored(lead_body(phone="310-555-0122", email="third@example.com"), "key-0003")
    assert [plain[field] for field in CRISIS_RECORD] == [None, None, None]


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        ({"crisis_tier": "urgent", "crisis_category": "means"}, "crisis_tier", "'check_in'"),
        ({"crisis_tier": "CRISIS", "crisis_category": "means"}, "crisis_tier", "'crisis'"),
        ({**CRISIS_RECORD, "crisis_category": "Means"}, "crisis_category", "pattern"),
        ({**CRISIS_RECORD, "crisis_category": "means-or-method"}, "crisis_category", "pattern"),
        ({**CRISIS_RECORD, "crisis_category": "m" * 33}, "crisis_category", "pattern"),
        ({**CRISIS_RECORD, "crisis_category": ""}, "crisis_category", "pattern"),
        ({**CRISIS_RECORD, "crisis_category": 7}, "crisis_category", "string"),
        ({**CRISIS_RECORD, "crisis_turn": 0}, "crisis_turn", "greater than or equal to 1"),
        ({**CRISIS_RECORD, "crisis_turn": 10_001}, "crisis_turn", "less than or equal"),
        ({**CRISIS_RECORD, "crisis_turn": 10**40}, "crisis_turn", "less than or equal"),
        ({**CRISIS_RECORD, "crisis_turn": "3"}, "crisis_turn", "integer"),
        ({**CRISIS_RECORD, "crisis_turn": True}, "crisis_turn", "integer"),
        ({**CRISIS_RECORD, "crisis_turn": 2.5}, "crisis_turn", "integer"),
        ({"crisis_category": "means", "crisis_turn": 3}, "body", "need a crisis_tier"),
        ({"crisis_tier": "check_in", "crisis_turn": 2}, "body", "needs its crisis_category"),
    ],
)
def test_a_bad_crisis_record_is_422_naming_the_field(
    client: TestClient, record: dict[str, object], field: str, reason: str
) -> None:
    response = client.post("/api/leads", json=lead_body(**record), headers=service_headers())
    assert reason in _errors(response)
    assert field in {error["field"] for error in response.json()["errors"]}


def test_during_a_token_rotation_the_old_and_the_new_token_are_both_accepted(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    new_token = "a-new-service-token-0123456789"
    rotating = settings.model_copy(
        update={
            "leads_service_token": SecretStr(new_token),
            "leads_service_token_previous": settings.leads_service_token,
        }
    )
    with TestClient(make_app(rotating, session_factory)) as client:
        old = client.post("/api/leads", json=lead_body(), headers=service_headers("key-0001"))
        new = client.post(
            "/api/leads",
            json=lead_body(
                conversation_id="conversation-2", phone="+13105550999", email="b@example.com"
            ),
            headers={"Authorization": f"Bearer {new_token}", "Idempotency-Key": "key-0002"},
        )
        other = client.post(
            "/api/leads",
            json=lead_body(),
            headers={"Authorization": "Bearer x" * 3, "Idempotency-Key": "key-0003"},
        )
    assert (old.status_code, new.status_code, other.status_code) == (201, 201, 401)
    with TestClient(make_app(settings, session_factory)) as client:  # rotation over
        headers = {"Authorization": f"Bearer {new_token}", "Idempotency-Key": "key-0004"}
        assert client.post("/api/leads", json=lead_body(), headers=headers).status_code == 401


def test_a_delivery_note_is_kept_and_shown_to_staff(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    note = "Sent without city (city: String should have at most 100 characters)"
    created = client.post(
        "/api/leads", json=lead_body(delivery_note=note), headers=service_headers()
    )
    assert created.status_code == 201
    lead = client.get(f"/api/leads/{created.json()['id']}", headers=staff_headers).json()
    assert lead["delivery_note"] == note
    too_long = client.post(
        "/api/leads", json=lead_body(delivery_note="x" * 501), headers=service_headers("key-0009")
    )
    assert too_long.status_code == 422


def test_a_refused_field_is_named_as_the_action_server_reads_it(client: TestClient) -> None:
    """The 422 body the action server parses (actions/leads_client.refused_fields) is this one:
    tests/contracts/lead_refused_422.json, which the action tests answer with."""
    response = client.post("/api/leads", json=lead_body(city="S" * 200), headers=service_headers())
    assert response.status_code == 422
    assert response.json() == json.loads(CONTRACT_422.read_text(encoding="utf-8"))
    assert "SSSS" not in response.text  # the refused value is not echoed back
