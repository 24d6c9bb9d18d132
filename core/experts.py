"""The expert role (전문가): staff grant it with an affiliation, shown beside the expert's opinions."""

from __future__ import annotations

import rules
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import AuditContext, audit_record
from .models import ExpertProfile
from .roles import Role


def _require_staff(actor) -> None:
    """Superusers, and staff with the expert permission (`core.grant_expert`)."""
    if actor is None or not rules.has_perm("core.grant_expert", actor):
        raise PermissionDenied(_("전문가 역할은 권한이 있는 운영진만 부여할 수 있습니다."))


@transaction.atomic
def expert_grant(*, user, affiliation: str, actor, context: AuditContext | None = None) -> ExpertProfile:
    """Give `user` the expert role with `affiliation` (changed if they had it). Returns the profile."""
    _require_staff(actor)
    affiliation = " ".join((affiliation or "").split())
    if not affiliation:
        raise ValidationError({"affiliation": _("소속을 적어 주세요.")})
    if len(affiliation) > 100:
        raise ValidationError({"affiliation": _("소속은 100자 이내로 적어 주세요.")})
    previous = ExpertProfile.objects.filter(user=user).values_list("affiliation", flat=True).first()
    group, _created = Group.objects.get_or_create(name=Role.EXPERT)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)
    profile, _created = ExpertProfile.objects.update_or_create(
        user=user, defaults={"affiliation": affiliation, "granted_by": actor}
    )
    before = {"affiliation": previous} if previous is not None else {}
    audit_record(
        actor=actor,
        action="expert.grant",
        target=user,
        before=before,
        after={"affiliation": affiliation},
        context=context,
    )
    return profile


@transaction.atomic
def expert_revoke(*, user, actor, context: AuditContext | None = None) -> bool:
    """Take the expert role back. Opinions already posted keep the role they were posted with."""
    _require_staff(actor)
    removed = user.groups.filter(name=Role.EXPERT).exists()
    previous = ExpertProfile.objects.filter(user=user).values_list("affiliation", flat=True).first()
    user.groups.remove(*Group.objects.filter(name=Role.EXPERT))
    user.__dict__.pop("_role_names", None)
    ExpertProfile.objects.filter(user=user).delete()
    if removed:
        audit_record(
            actor=actor, action="expert.revoke", target=user, before={"affiliation": previous or ""}, context=context
        )
    return removed
