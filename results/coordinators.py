"""Granting and taking away the 일자리 창출코디네이터 role: a `CoordinatorProfile` staff save in the admin
puts its user in the `Role.COORDINATOR` group when active, and takes them out when deactivated or deleted.
Every change is audited (`coordinator.grant` / `coordinator.revoke`) with the expertise before and after."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.roles import Role, is_staff_member
from ideas.choices import District

from .models import CoordinatorProfile


def _group() -> Group:
    return Group.objects.get_or_create(name=Role.COORDINATOR)[0]


def _snapshot(profile: CoordinatorProfile | None, *, tracks=None, industries=None) -> dict:
    if profile is None or profile.pk is None:
        return {}
    return {
        "user_id": profile.user_id,
        "affiliation": profile.affiliation,
        "active": profile.active,
        "districts": list(profile.districts or []),
        "tracks": sorted(tracks if tracks is not None else profile.tracks.values_list("pk", flat=True)),
        "industries": sorted(industries if industries is not None else profile.industries.values_list("pk", flat=True)),
    }


def _require_staff(actor) -> None:
    if not is_staff_member(actor):
        raise PermissionDenied(_("일자리 창출코디네이터 역할은 운영진만 부여할 수 있습니다."))


def clean_districts(values) -> list[str]:
    """The district codes, checked; a Korean ValidationError names an unknown one."""
    codes = [str(v).strip() for v in (values or []) if str(v).strip()]
    unknown = [c for c in codes if c not in District.values]
    if unknown:
        raise ValidationError({"districts": _("알 수 없는 지역 코드입니다: %(codes)s") % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(codes))


@transaction.atomic
def coordinator_save(
    *, profile: CoordinatorProfile, actor, context: AuditContext, tracks=None, industries=None
) -> CoordinatorProfile:
    """Save `profile` (new or edited; `tracks`/`industries` as pk lists or querysets when given) and make
    the role follow it. Returns the saved profile."""
    _require_staff(actor)
    before_row = CoordinatorProfile.objects.select_for_update().filter(pk=profile.pk).first() if profile.pk else None
    before = _snapshot(before_row)
    profile.districts = clean_districts(profile.districts)
    profile.save()
    if tracks is not None:
        profile.tracks.set(tracks)
    if industries is not None:
        profile.industries.set(industries)
    group = _group()
    if before_row is not None and before_row.user_id != profile.user_id:
        group.user_set.remove(before_row.user_id)
    if profile.active and profile.user.is_active:
        profile.user.groups.add(group)
    else:
        profile.user.groups.remove(group)
    profile.user.__dict__.pop("_role_names", None)
    audit_record(
        actor=actor,
        action="coordinator.grant" if profile.active else "coordinator.revoke",
        target=profile.user,
        before=before,
        after=_snapshot(profile),
        context=context,
    )
    return profile


@transaction.atomic
def coordinator_revoke(*, profile: CoordinatorProfile, actor, context: AuditContext) -> None:
    """Delete the profile and take the role. Projects they coordinate keep them named until staff
    assign another coordinator."""
    _require_staff(actor)
    user = profile.user
    audit_record(actor=actor, action="coordinator.revoke", target=user, before=_snapshot(profile), context=context)
    profile.delete()
    user.groups.remove(_group())
    user.__dict__.pop("_role_names", None)
