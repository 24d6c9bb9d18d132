"""Telling people what happened: one call writes the "내 알림" feed line and e-mails it as each user
wants (`NotificationSetting`: at once, in a daily digest, or never).

Every kind of submission notifies its author and followers through `notify`; the feed row is always
written. Immediate e-mails go after the transaction commits; digest users' rows wait for
`notification_digest_send` (`manage.py notification_digest`, daily cron). A mail failure is logged, never
undoing the action (the feed keeps the line). Every e-mail carries unsubscribe links that work without
signing in (`core.unsubscribe`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EmailFrequency, Follow, Notification, NotificationSetting
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def email_frequency_of(users: Iterable) -> dict[int, str]:
    """Each user's e-mail preference by pk (one query; no row means at once)."""
    ids = [u.pk for u in users]
    found = dict(NotificationSetting.objects.filter(user_id__in=ids).values_list("user_id", "email"))
    return {pk: found.get(pk, EmailFrequency.IMMEDIATELY) for pk in ids}


def _footer(*, user, target=None, following: bool = False) -> str:
    lines = ["", "—"]
    if target is not None and following:
        lines.append(
            _("이 글의 알림 그만 받기(팔로우 취소): %(url)s")
            % {"url": _absolute(unsubscribe_url(user=user, target=target))}
        )
    lines.append(_("알림 메일 모두 끄기: %(url)s") % {"url": _absolute(unsubscribe_url(user=user))})
    lines.append(_("알림 설정 바꾸기: %(url)s") % {"url": _absolute(reverse("notifications:settings"))})
    return "\n".join(lines) + "\n"


def _message(*, user, subject: str, body: str) -> EmailMessage:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    never = _absolute(unsubscribe_url(user=user))
    return EmailMessage(
        subject=(prefix + subject).replace("\n", " ")[:200],
        body=body,
        to=[user.email],
        # RFC 8058 one-click unsubscribe: the mail client POSTs to the link, no sign-in needed.
        headers={"List-Unsubscribe": f"<{never}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _send_later(messages: list[EmailMessage], *, on_failure=None) -> None:
    def send():
        for message in messages:
            try:
                message.send()
            except Exception:  # noqa: BLE001 - the action stands; the failure is logged for staff
                logger.exception("notification mail failed")
                if on_failure is not None:
                    on_failure(message)

    transaction.on_commit(send)


def notify(*, users: Iterable, subject: str, message: str, url: str = "", target=None, email: bool = True) -> int:
    """Add a feed line for each distinct active user; e-mail it now to those who want mail at once,
    hold it for the daily digest of those who want one, and send nothing to the rest (or to anyone with
    `email=False`). Returns how many were notified."""
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not people:
        return 0
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    subject = " ".join(subject.split())[:200]
    now = timezone.now()
    frequency = email_frequency_of(people.values()) if email else {}
    mailable = {pk for pk, u in people.items() if u.email and email}
    now_ids = {pk for pk in mailable if frequency[pk] == EmailFrequency.IMMEDIATELY}
    digest_ids = {pk for pk in mailable if frequency[pk] == EmailFrequency.DAILY}
    Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                subject=subject,
                message=message,
                url=url[:300],
                content_type=ct,
                object_id=str(target.pk) if target is not None else "",
                email_pending=u.pk in digest_ids,
                emailed_at=now if u.pk in now_ids else None,
            )
            for u in people.values()
        ]
    )
    if now_ids:
        following = set()
        if target is not None:
            following = set(
                Follow.objects.filter(content_type=ct, object_id=str(target.pk), user_id__in=now_ids).values_list(
                    "user_id", flat=True
                )
            )
        body = f"{message}\n\n{_absolute(url)}\n".strip() + "\n"
        _send_later(
            [
                _message(
                    user=people[pk],
                    subject=subject,
                    body=body + _footer(user=people[pk], target=target, following=pk in following),
                )
                for pk in sorted(now_ids)
            ]
        )
    return len(people)


def notification_digest_send() -> int:
    """E-mail each daily-digest user their notifications not yet mailed, in one message, once: each
    user's waiting rows are locked and marked sent in one transaction, so a second run (or a parallel
    one) sends nothing again; a failed mail puts its rows back for the next run. Users who meanwhile
    chose "never" (or have no address) get none, and their rows stop waiting. Returns how many e-mails
    were sent."""
    user_ids = list(Notification.objects.filter(email_pending=True).values_list("user_id", flat=True).distinct())
    sent = 0
    for user_id in sorted(set(user_ids)):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update()
                .filter(user_id=user_id, email_pending=True)
                .select_related("user")
                .order_by("created_at", "id")
            )
            if not rows:
                continue
            ids = [n.pk for n in rows]
            Notification.objects.filter(pk__in=ids).update(email_pending=False, emailed_at=timezone.now())
            user = rows[0].user
            wants = email_frequency_of([user])[user.pk]
            if wants == EmailFrequency.NEVER or not user.email or not user.is_active:
                Notification.objects.filter(pk__in=ids).update(emailed_at=None)
                continue
            lines = [_("지난 알림 %(n)d건을 모아 보내 드립니다.") % {"n": len(rows)}, ""]
            for n in rows:
                lines.append(f"· {n.subject}")
                if n.url:
                    lines.append(f"  {_absolute(n.url)}")
            lines.append("")
            lines.append(_("모든 알림: %(url)s") % {"url": _absolute(reverse("notifications:list"))})
            message = _message(
                user=user,
                subject=_("일사천리 알림 모아 보기 (%(n)d건)") % {"n": len(rows)},
                body="\n".join(lines) + "\n" + _footer(user=user),
            )

            def put_back(_message, ids=ids):
                Notification.objects.filter(pk__in=ids).update(email_pending=True, emailed_at=None)

            _send_later([message], on_failure=put_back)
            sent += 1
    return sent


def feed_for(*, user, limit: int = 50):
    """The user's latest notifications, newest first (one query)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def unread_count(*, user) -> int:
    """How many of the user's notifications are unread (one indexed count)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all, or those in `ids`). Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def notification_setting_set(*, user, email: str) -> NotificationSetting:
    """Store the user's e-mail preference (ValueError for an unknown one)."""
    if email not in EmailFrequency.values:
        raise ValueError(email)
    setting, _created = NotificationSetting.objects.update_or_create(user=user, defaults={"email": email})
    return setting
