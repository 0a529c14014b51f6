"""Create a PostgreSQL database if it does not exist yet: `python create_database.py URL`.

Used by `make run-scaled` for the leads and conversation databases, so the scaled set-up starts
on a fresh server with no hand steps. Runs in the API environment (SQLAlchemy 2 + psycopg).
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def create_database(url: str) -> bool:
    """True if it was created, False if it was there already."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        raise SystemExit(f"Not a PostgreSQL database URL: {target.render_as_string()}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()
    return not exists


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        created = create_database(argument)
        print(f"  database {make_url(argument).database}: {'created' if created else 'exists'}")
