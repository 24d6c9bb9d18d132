"""Access to raw personal data: a deliberate, purposeful, logged act (개인정보의 안전성 확보조치 기준 제8조)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record

from .. import pii
from ..items import adapter_for
from .common import _require

#: The audit action of every access to raw personal data (the access log of 개인정보의 안전성
#: 확보조치 기준 제8조). Audit records are append-only and have no deletion path: they are kept
#: at least `core.audit.AUDIT_RETENTION` (in practice, indefinitely).
PERSONAL_DATA_ACCESS = "personal_data.view"


@transaction.atomic
def personal_data_reveal(*, item, actor, purpose: str, context: AuditContext | None = None) -> dict[str, str]:
    """The original (unmasked) texts of an item, for staff with `ideas.view_personal_data`.

    Every call writes one access record (action `PERSONAL_DATA_ACCESS`): who (actor), when, from
    which IP and browser (the request), whose data (the item's author, the data subject), what was
    done (원문 열람, which fields, which kinds were found — never the content) and the purpose the
    moderator gave. Raises ValidationError without a purpose, PermissionDenied without the right.
    """
    _require("ideas.view_personal_data", actor, item)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("열람 목적을 적어 주세요. 개인정보 원문 열람은 목적과 함께 기록됩니다.")})
    adapter = adapter_for(item)
    texts = adapter.texts(item)
    subject = adapter.author(item)
    audit_record(
        actor=actor,
        action=PERSONAL_DATA_ACCESS,
        target=item,
        after={
            "what": "원문 열람",
            "data_subject_id": getattr(subject, "pk", None),
            "data_subject": str(subject) if subject is not None else "",
            "purpose": purpose[:500],
            "fields": list(texts),
            "found": {f: pii.find_personal_data(t) for f, t in texts.items()},
        },
        note=_("개인정보 원문 열람 — 목적: %(purpose)s") % {"purpose": purpose[:500]},
        context=context,
    )
    return texts
