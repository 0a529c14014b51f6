from fastapi.testclient import TestClient

from tests.api.conftest import STAFF_EMAIL, STAFF_PASSWORD


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_returns_bearer_token(client: TestClient, staff_headers: dict[str, str]) -> None:
    response = client.get("/api/leads", headers=staff_headers)
    assert response.status_code == 200


def test_login_is_case_insensitive_on_email(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/auth/token", data={"username": STAFF_EMAIL.upper(), "password": STAFF_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_wrong_password_is_401_with_clear_message(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/auth/token", data={"username": STAFF_EMAIL, "password": "not the password"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Incorrect email or password."


def test_unknown_user_is_401(client: TestClient) -> None:
    response = client.post("/api/auth/token", data={"username": "nobody@x.org", "password": "x"})
    assert response.status_code == 401


def test_missing_form_fields_are_422_not_500(client: TestClient) -> None:
    response = client.post("/api/auth/token", data={"username": STAFF_EMAIL})
    assert response.status_code == 422
    assert any(error["field"] == "password" for error in response.json()["errors"])


def test_password_is_stored_as_argon2_hash(
    client: TestClient, staff_headers: dict[str, str], session_factory
) -> None:
    from sqlalchemy import select

    from api.models import StaffUser

    with session_factory() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == STAFF_EMAIL))
    assert user is not None
    assert user.password_hash.startswith("$argon2")
    assert STAFF_PASSWORD not in user.password_hash


def test_forged_token_is_rejected(client: TestClient) -> None:
    import jwt

    forged = jwt.encode(
        {"sub": "1"}, "not-the-secret-key-but-as-long-as-one-0123456789", algorithm="HS256"
    )
    response = client.get("/api/leads", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_expired_token_is_rejected(
    client: TestClient, settings, staff_headers: dict[str, str]
) -> None:
    from api.core.security import create_access_token

    expired = create_access_token("1", settings.secret_key.get_secret_value(), -1)
    response = client.get("/api/leads", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401


def test_service_token_is_not_a_staff_token(client: TestClient) -> None:
    from tests.api.conftest import SERVICE_TOKEN

    response = client.get("/api/leads", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert response.status_code == 401
