import uuid
from datetime import datetime, timezone

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from tests.api.conftest import ROOT


def _config(url: str) -> Config:
    config = Config(str(ROOT / "api" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    return config


def test_migrations_upgrade_downgrade_and_match_the_models(database_url: str) -> None:
    url = database_url
    command.upgrade(_config(url), "head")
    columns = {c["name"] for c in inspect(create_engine(url)).get_columns("leads")}
    from api.models import Lead

    assert columns == {c.name for c in Lead.__table__.columns}
    command.downgrade(_config(url), "base")
    assert "leads" not in inspect(create_engine(url)).get_table_names()
    command.upgrade(_config(url), "head")


CRISIS_COLUMNS = {"crisis_tier", "crisis_category", "crisis_turn"}


def test_migration_0005_adds_the_crisis_record_and_keeps_earlier_leads(database_url: str) -> None:
    url = database_url
    command.upgrade(_config(url), "0004")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO leads (id, created_at, idempotency_key, conversation_id, full_name, "
                "treatment_interest, contact_consent, status) VALUES (:id, :at, 'key-1', "
                "'conversation-1', 'David Kim', 'ketamine', :yes, 'new')"
            ),
            {"id": uuid.uuid4().hex, "at": datetime.now(timezone.utc), "yes": True},
        )
    try:
        command.upgrade(_config(url), "0005")
        columns = {c["name"]: c for c in inspect(engine).get_columns("leads")}
        assert set(columns) >= CRISIS_COLUMNS
        assert all(columns[name]["nullable"] for name in CRISIS_COLUMNS)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT full_name, crisis_tier, crisis_category, crisis_turn FROM leads")
            ).one()
        assert tuple(row) == ("David Kim", None, None, None)
        command.downgrade(_config(url), "0004")
        assert not CRISIS_COLUMNS & {c["name"] for c in inspect(engine).get_columns("leads")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT full_name FROM leads")).scalar() == "David Kim"
    finally:
        engine.dispose()


def test_migration_0008_links_repeats_and_keeps_contacts_merged_before(database_url: str) -> None:
    url = database_url
    command.upgrade(_config(url), "0007")
    engine = create_engine(url)
    lead_id = uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO leads (id, created_at, idempotency_key, conversation_id, full_name, "
                "treatment_interest, contact_consent, status) VALUES (:id, :at, 'key-1', "
                "'conversation-1', 'David Kim', 'ketamine', :yes, 'new')"
            ),
            {"id": lead_id, "at": datetime.now(timezone.utc), "yes": True},
        )
        connection.execute(
            text(
                "INSERT INTO lead_contacts (lead_id, created_at, idempotency_key, "
                "conversation_id, treatment_interest, urgent) VALUES (:id, :at, 'key-2', "
                "'conversation-2', 'tms', :no)"
            ),
            {"id": lead_id, "at": datetime.now(timezone.utc), "no": False},
        )
    try:
        command.upgrade(_config(url), "0008")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT repeat_of_id FROM leads")).one() == (None,)
            assert connection.execute(text("SELECT count(*) FROM lead_contacts")).scalar() == 1
        command.downgrade(_config(url), "0007")
        assert "repeat_of_id" not in {c["name"] for c in inspect(engine).get_columns("leads")}
    finally:
        engine.dispose()
