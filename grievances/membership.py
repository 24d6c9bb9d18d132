"""Which departments a user answers for: read by the app's rules, the admin's rules, the inbox and the
referrals (a module of its own, so the two rule modules do not import each other)."""

from __future__ import annotations


def department_ids_of(user) -> frozenset[int]:
    """Ids of the active departments `user` is a member of (read once per user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_grievance_department_ids", None)
    if cached is None:
        from .models import Department

        cached = frozenset(Department.objects.filter(members=user, is_active=True).values_list("pk", flat=True))
        user._grievance_department_ids = cached
    return cached
