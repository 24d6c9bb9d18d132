"""Moderator decisions on a waiting submission: approve, reject, request changes, merge. Each writes one audit record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record

from ..choices import (
    RejectionReason,
    ScreeningStatus,
)
from ..hangul import with_particle
from ..items import adapter_for
from ..models import ScreeningCase
from .common import ScreeningConflict, _notify_author, _reload, _require


def _close_pending(*, item, actor, status: str, **decision) -> ScreeningCase:
    """Close the item's pending case with one decision, or raise ScreeningConflict.

    The row lock plus the conditional UPDATE make two moderators acting at once end with one
    decision: the second finds no pending case (or updates no row) and gets the conflict.
    """
    ct = ContentType.objects.get_for_model(item)
    case = (
        ScreeningCase.objects.select_for_update()
        .filter(content_type=ct, object_id=item.pk, status=ScreeningStatus.PENDING)
        .first()
    )
    if case is None:
        raise ScreeningConflict()
    now = timezone.now()
    updated = ScreeningCase.objects.filter(pk=case.pk, status=ScreeningStatus.PENDING).update(
        status=status, decided_at=now, decided_by=actor, **decision
    )
    if not updated:
        raise ScreeningConflict()
    case.refresh_from_db()
    return case


@transaction.atomic
def screening_approve(*, item, actor, context: AuditContext | None = None, note: str = "") -> ScreeningCase:
    """Approve a waiting submission: it becomes public. One audit record. Returns the case.

    Raises ScreeningConflict if it was already decided, PermissionDenied for non-moderators."""
    _require("moderation.screen_item", actor, item)
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(item=item, actor=actor, status=ScreeningStatus.APPROVED, decision_note=note[:2000])
    was_published = adapter.is_published(item)
    adapter.publish(item)
    message = _("검토를 통과해 공개되었습니다.")
    adapter.tell_author(item, actor=actor, message=message)
    audit_record(
        actor=actor,
        action="screening.approve",
        target=item,
        before={"screening": ScreeningStatus.PENDING, "published": was_published},
        after={"screening": ScreeningStatus.APPROVED, "published": True},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("%(kind)s 공개되었습니다") % {"kind": with_particle(adapter.kind(item), "이/가")},
        message=message,
    )
    return case


@transaction.atomic
def screening_reject(*, item, actor, reason: str, note: str = "", context: AuditContext | None = None) -> ScreeningCase:
    """Reject a waiting submission with a reason from `RejectionReason` (plus free text, required
    for "기타"). It stays unpublished; the author sees the reason. Returns the case."""
    _require("moderation.screen_item", actor, item)
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": _("반려 사유를 목록에서 골라 주세요.")})
    note = (note or "").strip()
    if reason == RejectionReason.OTHER and not note:
        raise ValidationError({"note": _("'기타'를 고르면 사유를 직접 적어야 합니다.")})
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(
        item=item, actor=actor, status=ScreeningStatus.REJECTED, decision_reason=reason, decision_note=note[:2000]
    )
    message = str(RejectionReason(reason).label) + (f" — {note}" if note else "")
    adapter.reject(item, actor=actor, reason=message, context=context)
    audit_record(
        actor=actor,
        action="screening.reject",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.REJECTED, "reason": reason},
        note=note,
        context=context,
    )
    _notify_author(
        item=item, subject=_("제출하신 내용이 반려되었습니다"), message=_("검토 결과 반려되었습니다."), reason=message
    )
    return case


@transaction.atomic
def screening_request_changes(*, item, actor, note: str, context: AuditContext | None = None) -> ScreeningCase:
    """Ask the author to change a waiting submission. It stays unpublished; the author's edit opens
    a new case. Returns the closed case."""
    _require("moderation.screen_item", actor, item)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("무엇을 고쳐야 하는지 적어 주세요.")})
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(item=item, actor=actor, status=ScreeningStatus.CHANGES_REQUESTED, decision_note=note[:2000])
    message = _("수정 요청: %(note)s") % {"note": note}
    adapter.tell_author(item, actor=actor, message=message)
    audit_record(
        actor=actor,
        action="screening.request_changes",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.CHANGES_REQUESTED},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("%(kind)s 수정을 요청드립니다") % {"kind": adapter.kind(item)},
        message=_("검토 중에 수정이 필요한 부분이 있었습니다. 고쳐서 다시 저장하면 다시 검토합니다."),
        reason=note,
    )
    return case


@transaction.atomic
def screening_merge(*, item, into, actor, note: str = "", context: AuditContext | None = None) -> ScreeningCase:
    """Merge a waiting submission into an existing one of the same contest: both authors are
    credited on `into`, the supports of both kept, `item` stays unpublished. Returns the case."""
    _require("moderation.screen_item", actor, item)
    item, into = _reload(item), _reload(into)
    if type(into) is not type(item) or into.pk == item.pk:
        raise ValidationError({"merge_into": _("같은 종류의 다른 제출물로만 병합할 수 있습니다.")})
    adapter = adapter_for(item)
    if getattr(adapter.contest(item), "pk", None) != getattr(adapter.contest(into), "pk", None):
        raise ValidationError({"merge_into": _("같은 공모전의 제출물로만 병합할 수 있습니다.")})
    if getattr(into, "merged_into_id", None):
        raise ValidationError({"merge_into": _("이미 다른 제출물에 병합된 제출물입니다. 병합된 원본을 골라 주세요.")})
    case = _close_pending(
        item=item, actor=actor, status=ScreeningStatus.MERGED, merged_into_id=into.pk, decision_note=note[:2000]
    )
    message = _(
        "비슷한 %(kind)s %(other)s에 병합되었습니다. 그 %(kind)s에 공동 제안자로 함께 표시되고, 받은 공감도 합쳐집니다."
    ) % {"kind": adapter.kind(item), "other": getattr(into, "reference", into.pk)}
    if note:
        message += f" — {note}"
    adapter.merge(item, into=into, actor=actor, reason=message, context=context)
    audit_record(
        actor=actor,
        action="screening.merge",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.MERGED, "merged_into": into.pk},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("비슷한 %(kind)s 병합되었습니다") % {"kind": with_particle(adapter.kind(item), "과/와")},
        message=message,
    )
    return case
