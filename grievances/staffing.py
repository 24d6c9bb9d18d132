"""Granting and taking away the field-worker role: a `FieldWorker` row staff save in the admin is what
puts its user in the `현장근무자` group (`core.roles.Role.FIELD_WORKER`); deactivating or deleting the row
takes the role away. Every change is audited."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from core.audit import AuditContext, audit_record
from core.roles import Role

from .models import FieldWorker


def _role_group() -> Group:
    return Group.objects.get_or_create(name=Role.FIELD_WORKER)[0]


def _snapshot(worker: FieldWorker | None) -> dict:
    if worker is None:
        return {}
    return {"user_id": worker.user_id, "organisation_id": worker.organisation_id, "is_active": worker.is_active}


def _forget_roles(user) -> None:
    # `RoleHolder.has_role` caches the user's groups on the object.
    user.__dict__.pop("_role_names", None)


@transaction.atomic
def field_worker_save(*, worker: FieldWorker, actor, context: AuditContext | None = None) -> FieldWorker:
    """Save `worker` (new or edited, e.g. the admin form's instance) and make the role follow it: an
    active row puts its user in the field-worker group; an inactive one takes them out; a row moved to
    another user takes the role from the former one. Returns the saved row."""
    before = FieldWorker.objects.select_for_update().filter(pk=worker.pk).first() if worker.pk else None
    worker.save()
    group = _role_group()
    if before is not None and before.user_id != worker.user_id:
        group.user_set.remove(before.user_id)
    if worker.is_active:
        worker.user.groups.add(group)
    else:
        worker.user.groups.remove(group)
    _forget_roles(worker.user)
    audit_record(
        actor=actor,
        action="grievances.field_worker.grant" if worker.is_active else "grievances.field_worker.revoke",
        target=worker,
        before=_snapshot(before),
        after=_snapshot(worker),
        context=context,
    )
    return worker


@transaction.atomic
def field_worker_delete(*, worker: FieldWorker, actor, context: AuditContext | None = None) -> None:
    """Delete the row and take the field-worker role from its user."""
    before = _snapshot(worker)
    user = worker.user
    audit_record(actor=actor, action="grievances.field_worker.revoke", target=worker, before=before, context=context)
    worker.delete()
    user.groups.remove(_role_group())
    _forget_roles(user)
