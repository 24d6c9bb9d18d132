"""The expert role (전문가): staff grant it with an affiliation, shown beside the expert's opinions."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import AuditContext, audit_record
from .models import ExpertProfile
from .roles import Role


def _require_staff(actor) -> None:
    if actor is None or not (actor.is_authenticated and (actor.is_staff or actor.is_superuser)):
        raise PermissionDenied(_("전문가 역할은 운영진만 부여할 수 있습니다."))


@transaction.atomic
def expert_grant(*, user, affiliation: str, actor, context: AuditContext | None = None) -> ExpertProfile:
    """Give `user` the expert role with `affiliation` (changed if they had it). Returns the profile."""
    _require_staff(actor)
    affiliation = " ".join((affiliation or "").split())
    if not affiliation:
        raise ValidationError({"affiliation": _("소속을 적어 주세요.")})
    if len(affiliation) > 100:
        raise ValidationError({"affiliation": _("소속은 100자 이내로 적어 주세요.")})
    group, _created = Group.objects.get_or_create(name=Role.EXPERT)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)
    profile, _created = ExpertProfile.objects.update_or_create(
        user=user, defaults={"affiliation": affiliation, "granted_by": actor}
    )
    audit_record(actor=actor, action="expert.grant", target=user, after={"affiliation": affiliation}, context=context)
    return profile


@transaction.atomic
def expert_revoke(*, user, actor, context: AuditContext | None = None) -> bool:
    """Take the expert role back. Opinions already posted keep the role they were posted with."""
    _require_staff(actor)
    removed = user.groups.filter(name=Role.EXPERT).exists()
    user.groups.remove(*Group.objects.filter(name=Role.EXPERT))
    user.__dict__.pop("_role_names", None)
    ExpertProfile.objects.filter(user=user).delete()
    if removed:
        audit_record(actor=actor, action="expert.revoke", target=user, context=context)
    return removed
