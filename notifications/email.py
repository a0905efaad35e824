"""Email channel: SMTP when ``MAIL_SERVER`` is set, otherwise written to the log."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("rumahpurna.email")


def email_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text email. Call after the transaction has committed."""
    config = current_app.config
    if not email_configured():
        # Development: the message is printed so a developer can follow links.
        log.info("email to=%s subject=%s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
