"""What the moderation services share: the conflict error, permission checks, reloading an item, e-mail to its author."""

from __future__ import annotations

import logging

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..items import adapter_for

logger = logging.getLogger(__name__)


class ScreeningConflict(ValidationError):
    """Someone else decided first; the caller shows this message and reloads."""

    def __init__(self, message=None):
        super().__init__(
            message or _("다른 모더레이터가 이미 처리했습니다. 목록을 새로 고쳐 확인해 주세요."), code="conflict"
        )


def _require(perm: str, actor, obj=None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))


def _reload(item):
    return type(item)._default_manager.get(pk=item.pk)


def _notify_author(*, item, subject: str, message: str, reason: str = "") -> None:
    """E-mail the author (plain text) after the transaction commits. A mail failure is logged and
    never undoes the decision; the status page shows the same message."""
    author = adapter_for(item).author(item)
    email = getattr(author, "email", "")
    if not email:
        return
    body = render_to_string(
        "moderation/email/decision.txt",
        {
            "name": getattr(author, "public_name", ""),
            "title": adapter_for(item).title(item),
            "message": message,
            "reason": reason,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + adapter_for(item).public_url(item),
            "site": getattr(settings, "WAGTAIL_SITE_NAME", ""),
            "status_page": adapter_for(item).status_page_label(item),
        },
    )
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    subject_line = (prefix + subject).replace("\n", " ")[:200]

    def send():
        try:
            send_mail(subject_line, body, None, [email])
        except Exception:  # noqa: BLE001 - the decision stands; the failure is logged for staff
            logger.exception("moderation mail to author of %s failed", item.pk)

    transaction.on_commit(send)
