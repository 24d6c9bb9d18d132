"""Telling people what happened: one call writes the "내 활동" feed line and sends the e-mail.

Every kind of submission notifies its author and followers through `notify`; the e-mail goes after the
transaction commits, and a mail failure is logged, never undoing the action (the feed keeps the line).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def notify(*, users: Iterable, subject: str, message: str, url: str = "", target=None, email: bool = True) -> int:
    """Add a feed line for each distinct active user and e-mail those with an address. Returns how
    many were notified."""
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not people:
        return 0
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    subject = " ".join(subject.split())[:200]
    Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                subject=subject,
                message=message,
                url=url[:300],
                content_type=ct,
                object_id=str(target.pk) if target is not None else "",
            )
            for u in people.values()
        ]
    )
    if email:
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        body = f"{message}\n\n{_absolute(url)}\n".strip() + "\n"
        recipients = [u.email for u in people.values() if u.email]

        def send():
            for address in recipients:
                try:
                    send_mail((prefix + subject)[:200], body, None, [address])
                except Exception:  # noqa: BLE001 - the action stands; the failure is logged for staff
                    logger.exception("notification mail failed")

        transaction.on_commit(send)
    return len(people)


def feed_for(*, user, limit: int = 50):
    """The user's latest notifications, newest first (one query)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]
