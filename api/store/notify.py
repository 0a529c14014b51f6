"""Telling staff that an urgent lead arrived: a webhook and/or an e-mail, from the settings.

The message carries only a link to the staff console, never a name, phone or health detail:
chat tools and mailboxes are not places for health information. Each alert is a row
(`UrgentNotification`) stored with the lead it is about, so it survives a restart: the API tries
it right after the lead is stored (a background task), and the `notifier` process of `make run`
(`python -m api.cli notify --watch`) tries again what failed, with a wait that doubles from 30
seconds to an hour, until it is sent. The lead page shows each alert's state.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.config import Settings
from api.models import UrgentNotification

logger = logging.getLogger(__name__)
SUBJECT = "Urgent lead waiting: please log in"
WEBHOOK, EMAIL = "webhook", "email"
FIRST_WAIT_SECONDS, MOST_WAIT_SECONDS = 30.0, 3600.0


def lead_link(settings: Settings, lead_id: uuid.UUID) -> str:
    return f"{settings.staff_base_url.rstrip('/')}/staff/leads/{lead_id}"


def message_text(link: str) -> str:
    return (
        f"An urgent lead was captured by the website assistant. Log in to the staff console "
        f"and follow the urgent-lead procedure: {link}"
    )


def channels(settings: Settings) -> list[str]:
    """The alerts the settings ask for."""
    found = [WEBHOOK] if settings.urgent_webhook_url else []
    return found + ([EMAIL] if settings.smtp_host and settings.urgent_email_to else [])


def queue_urgent_notifications(session: Session, settings: Settings, lead_id: uuid.UUID) -> None:
    """Store one alert per configured channel, due now."""
    now = datetime.now(timezone.utc)
    for channel in channels(settings):
        session.add(UrgentNotification(lead_id=lead_id, channel=channel, next_attempt_at=now))
    session.commit()


def send_due_notifications(
    session: Session,
    settings: Settings,
    lead_id: uuid.UUID | None = None,
    older_than_seconds: float = 0.0,
) -> list[str]:
    """Try every alert that is due (only `lead_id`'s, if given; only those stored at least
    `older_than_seconds` ago); the channels that succeeded."""
    now = datetime.now(timezone.utc)
    query = select(UrgentNotification).where(
        UrgentNotification.sent_at.is_(None),
        UrgentNotification.next_attempt_at <= now,
        UrgentNotification.created_at <= now - timedelta(seconds=older_than_seconds),
    )
    if lead_id is not None:
        query = query.where(UrgentNotification.lead_id == lead_id)
    sent = []
    for alert in session.scalars(query.order_by(UrgentNotification.id)).all():
        try:
            _send(settings, alert.channel, lead_link(settings, alert.lead_id))
        except (OSError, httpx.HTTPError, smtplib.SMTPException, ValueError) as error:
            wait = min(MOST_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(alert.attempts, 30))
            alert.attempts += 1
            alert.last_error = type(error).__name__
            alert.next_attempt_at = now + timedelta(seconds=wait)
            logger.error(
                "Urgent-lead %s failed (try %d): %s",
                alert.channel,
                alert.attempts,
                alert.last_error,
            )
        else:
            alert.attempts += 1
            alert.sent_at, alert.last_error = now, None
            sent.append(alert.channel)
        session.commit()
    return sent


def _send(settings: Settings, channel: str, link: str) -> None:
    if channel == WEBHOOK:
        if not settings.urgent_webhook_url:
            raise ValueError("no webhook configured")
        response = httpx.post(
            settings.urgent_webhook_url, timeout=5, json={"text": message_text(link), "link": link}
        )
        response.raise_for_status()
        return
    if not (settings.smtp_host and settings.urgent_email_to):
        raise ValueError("no e-mail configured")
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = (
        SUBJECT,
        settings.smtp_from,
        settings.urgent_email_to,
    )
    email.set_content(message_text(link))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=5) as smtp:
        smtp.send_message(email)
