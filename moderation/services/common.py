"""What the moderation services share: the conflict error, permission checks, reloading an item, the notification of its author."""

from __future__ import annotations

import logging

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.notify import notify

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
    """Tell the author of a moderator's decision through `core.notify`: one line in their 내 알림 and
    an e-mail as they chose (at once, in the daily digest, or never), with the unsubscribe links. Each
    decision is its own notification (approved, rejected, changes requested, merged, report upheld);
    the idea's status change does not tell the author a second time
    (`ideas.services.AUTHOR_MAILED_ELSEWHERE`). A mail failure is logged and never undoes the decision."""
    adapter = adapter_for(item)
    author = adapter.author(item)
    if author is None:
        return
    body = render_to_string(
        "moderation/email/decision.txt",
        {
            "title": adapter.title(item),
            "message": message,
            "reason": reason,
            "status_page": adapter.status_page_label(item),
        },
    ).strip()
    notify(users=[author], subject=subject, message=body, url=adapter.public_url(item), target=item)
