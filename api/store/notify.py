"""Telling staff that an urgent lead arrived: a webhook and/or an e-mail, from the settings.

The message carries only a link to the staff console, never a name, phone or health detail:
chat tools and mailboxes are not places for health information. It is sent after the lead is
stored (a FastAPI background task); a failure is logged and never loses the lead.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage

import httpx

from api.core.config import Settings

logger = logging.getLogger(__name__)
SUBJECT = "Urgent lead waiting: please log in"


def lead_link(settings: Settings, lead_id: uuid.UUID) -> str:
    return f"{settings.staff_base_url.rstrip('/')}/staff/leads/{lead_id}"


def message_text(link: str) -> str:
    return (
        f"An urgent lead was captured by the website assistant. Log in to the staff console "
        f"and follow the urgent-lead procedure: {link}"
    )


def notify_urgent_lead(settings: Settings, lead_id: uuid.UUID) -> list[str]:
    """Send every configured notification. Returns the channels that succeeded."""
    link = lead_link(settings, lead_id)
    sent = []
    if settings.urgent_webhook_url:
        try:
            response = httpx.post(
                settings.urgent_webhook_url,
                timeout=5,
                json={"text": message_text(link), "link": link},
            )
            response.raise_for_status()
            sent.append("webhook")
        except httpx.HTTPError as error:
            logger.error("Urgent-lead webhook failed: %s", type(error).__name__)
    if settings.smtp_host and settings.urgent_email_to:
        email = EmailMessage()
        email["Subject"], email["From"], email["To"] = (
            SUBJECT,
            settings.smtp_from,
            settings.urgent_email_to,
        )
        email.set_content(message_text(link))
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=5) as smtp:
                smtp.send_message(email)
            sent.append("email")
        except (OSError, smtplib.SMTPException) as error:
            logger.error("Urgent-lead e-mail failed: %s", type(error).__name__)
    return sent
