"""The audit trail: one append-only record per staff action (and per access to raw personal data).

Services call `audit_record` inside the transaction of the action itself, with the acting user and an
`AuditContext` (where the action came from) that the view built from the request (`core.http.audit_context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry

#: Audit records, and above all the access log of raw personal data (개인정보의 안전성 확보조치 기준
#: 제8조: at least two years), are kept at least this long. There is no deletion path at all today.
AUDIT_RETENTION = timedelta(days=2 * 366)


@dataclass(frozen=True)
class AuditContext:
    """Where an action came from: the client's address and browser. Empty for system actions
    (commands, background tasks)."""

    ip: str | None = None
    user_agent: str = ""


SYSTEM = AuditContext()


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    context: AuditContext | None = None,
) -> AuditEntry:
    """Append one audit record and return it. Call inside the transaction of the action itself."""
    context = context or SYSTEM
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
        note=note[:2000],
        ip_address=context.ip,
        user_agent=context.user_agent[:300],
    )
