"""Command line for the leads service.

python -m api.cli staff-user --email ... --password ... [--role admin]
python -m api.cli purge [--days N]
python -m api.cli notify [--watch] [--interval SECONDS]
python -m api.cli erase-abandoned [--hours N] [--watch] [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import datetime, timedelta, timezone

from api.core.config import get_settings
from api.core.db import get_session
from api.models import StaffRole
from api.store.leads import purge_older_than
from api.store.notify import send_due_notifications
from api.store.staff import upsert_staff_user
from clinic import log_guard
from clinic.rasa_store import apply_erase_requests, erase_abandoned_forms, tracker_url

MIN_PASSWORD_LENGTH = 12
NEW_ALERT_SECONDS = 30.0
logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    log_guard.install()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s"
    )
    parser = argparse.ArgumentParser(prog="api.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    staff = commands.add_parser("staff-user", help="create a staff account or reset its password")
    staff.add_argument("--email", required=True)
    staff.add_argument("--password", required=True)
    staff.add_argument(
        "--role",
        choices=[r.value for r in StaffRole],
        default=None,
        help="staff (default for a new account) or admin",
    )
    purge = commands.add_parser("purge", help="delete leads and conversations past retention")
    purge.add_argument(
        "--days",
        type=int,
        default=None,
        help="retention in days (default: RETENTION_DAYS from the settings)",
    )
    notify = commands.add_parser("notify", help="send urgent-lead alerts that are due")
    notify.add_argument("--watch", action="store_true", help="keep sending, every --interval")
    notify.add_argument("--interval", type=float, default=30.0, help="seconds between rounds")
    erase = commands.add_parser(
        "erase-abandoned",
        help="erase the details of lead forms left unsent (from the store Rasa writes)",
    )
    erase.add_argument(
        "--hours",
        type=float,
        default=float(os.environ.get("ABANDONED_FORM_HOURS") or 24),
        help="idle this long, a form is abandoned (default: ABANDONED_FORM_HOURS or 24)",
    )
    erase.add_argument("--watch", action="store_true", help="keep sweeping, every --interval")
    erase.add_argument("--interval", type=float, default=600.0, help="seconds between sweeps")
    args = parser.parse_args(argv)
    if args.command == "erase-abandoned":
        return _erase_abandoned(args.hours, args.watch, max(args.interval, 1.0))
    if args.command == "purge":
        return _purge(args.days)
    if args.command == "notify":
        return _notify(args.watch, max(args.interval, 1.0))

    if len(args.password) < MIN_PASSWORD_LENGTH:
        print(
            f"error: the password needs at least {MIN_PASSWORD_LENGTH} characters.", file=sys.stderr
        )
        return 2
    if "@" not in args.email:
        print("error: give the staff member's email address as --email.", file=sys.stderr)
        return 2
    session = next(get_session())
    try:
        role = StaffRole(args.role) if args.role else None
        user, created = upsert_staff_user(session, args.email, args.password, role)
    finally:
        session.close()
    print(
        f"{'Created' if created else 'Reset the password of'} "
        f"{user.role.value} account {user.email}."
    )
    return 0


def _purge(days: int | None) -> int:
    settings = get_settings()
    days = days if days is not None else settings.retention_days
    if days < 1:
        print("error: --days must be at least 1.", file=sys.stderr)
        return 2
    session = next(get_session())
    try:
        leads, conversation_events = purge_older_than(session, settings.tracker_db_url, days)
    finally:
        session.close()
    print(
        f"Deleted {leads} leads and {conversation_events} stored conversation events "
        f"older than {days} days."
    )
    return 0


def _notify(watch: bool, interval: float) -> int:
    """Send the alerts that are due; with --watch, every `interval` seconds until stopped. A
    failed round (the database away) is logged and the next one tried: the watcher never dies."""
    settings = get_settings()
    while True:
        session = next(get_session())
        try:
            # A new alert is the API's to send first (right after the lead): no double alert.
            send_due_notifications(session, settings, older_than_seconds=NEW_ALERT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - alerts wait in the database for the next round
            logger.error("Urgent-lead alerts not sent this round: %s", type(exc).__name__)
            if not watch:
                return 1
        finally:
            session.close()
        if not watch:
            return 0
        time.sleep(interval)


def _erase_abandoned(hours: float, watch: bool, interval: float) -> int:
    """Erase unsent form details idle for `hours` and carry out erase requests left undone, in
    the store Rasa itself is configured with (no API secret needed); with --watch, every
    `interval` seconds, surviving a failed sweep."""
    if hours <= 0:
        print("error: --hours must be more than 0.", file=sys.stderr)
        return 2
    while True:
        try:
            idle_before = datetime.now(timezone.utc) - timedelta(hours=hours)
            store = tracker_url()
            erased = erase_abandoned_forms(store, idle_before)
            redone = apply_erase_requests(store)
            if erased or redone or not watch:
                logger.info(
                    "Conversations whose unsent form details were erased: %d; erase requests "
                    "that had something left to erase: %d",
                    erased,
                    redone,
                )
        except Exception as exc:  # noqa: BLE001 - the store away: the next sweep tries again
            logger.error("Abandoned forms not swept this round: %s", type(exc).__name__)
            if not watch:
                return 1
        if not watch:
            return 0
        time.sleep(interval)


if __name__ == "__main__":
    sys.exit(main())
