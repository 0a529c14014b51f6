"""Command line for the leads service: `python -m api.cli staff-user --email ... --password ...`."""

from __future__ import annotations

import argparse
import sys

from api.db import get_session
from api.staff_store import upsert_staff_user

MIN_PASSWORD_LENGTH = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    staff = commands.add_parser("staff-user", help="create a staff account or reset its password")
    staff.add_argument("--email", required=True)
    staff.add_argument("--password", required=True)
    args = parser.parse_args(argv)

    if len(args.password) < MIN_PASSWORD_LENGTH:
        print(f"error: the password needs at least {MIN_PASSWORD_LENGTH} characters.", file=sys.stderr)
        return 2
    if "@" not in args.email:
        print("error: give the staff member's email address as --email.", file=sys.stderr)
        return 2
    session = next(get_session())
    try:
        user, created = upsert_staff_user(session, args.email, args.password)
    finally:
        session.close()
    print(f"{'Created' if created else 'Reset the password of'} staff account {user.email}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
