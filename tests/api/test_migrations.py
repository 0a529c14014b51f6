from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

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
