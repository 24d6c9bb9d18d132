"""Moderation services: the audit trail and the screening hook every submission passes."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, (request.META.get("HTTP_USER_AGENT") or "")[:300]


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    request=None,
) -> AuditEntry:
    """Append one audit record. Returns it. Call inside the transaction of the action itself."""
    ip, agent = _client(request)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
        note=note,
        ip_address=ip,
        user_agent=agent,
    )


def _text_fields(item) -> dict[str, str]:
    """The citizen-written text fields of a submission (ideas and grievances alike)."""
    return {f: getattr(item, f) for f in getattr(item, "MODERATED_TEXT_FIELDS", ("title", "summary", "body"))}


def screening_on_submit(*, item, request=None, is_edit: bool = False) -> None:
    """Run the automatic checks on a new or edited submission, inside its transaction.

    A resident registration number blocks the submission (ValidationError naming the field);
    other personal data is masked in the `*_public` copies. The item is public at once only
    when its contest screens flagged submissions only and nothing was flagged; otherwise it
    waits for a moderator.
    """
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .pii import find_personal_data, find_resident_numbers, mask_personal_data

    texts = _text_fields(item)
    errors = {
        field: _(
            "주민등록번호로 보이는 숫자가 있습니다. 개인정보 보호를 위해 주민등록번호는 적을 수 없습니다. 지우고 다시 제출해 주세요."
        )
        for field, text in texts.items()
        if find_resident_numbers(text)
    }
    if errors:
        raise ValidationError(errors)
    for field, text in texts.items():
        setattr(item, f"{field}_public", mask_personal_data(text))
    flagged = any(find_personal_data(t) for t in texts.values())
    contest = getattr(item, "contest", None)
    auto_publish = contest is not None and contest.moderation_mode == "flagged" and not flagged
    item.published_at = timezone.now() if auto_publish else None
    item.save(update_fields=[*(f"{f}_public" for f in texts), "published_at"])


@transaction.atomic
def screening_approve(*, item, actor, request=None, note: str = "") -> None:
    """Approve a submission: it becomes public. Audited."""
    from django.utils import timezone

    type(item).objects.select_for_update().filter(pk=item.pk).first()
    item.refresh_from_db()
    before = {"published_at": item.published_at.isoformat() if item.published_at else None}
    if item.published_at is None:
        item.published_at = timezone.now()
        item.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action="screening.approve",
        target=item,
        before=before,
        after={"published_at": item.published_at.isoformat()},
        note=note,
        request=request,
    )
