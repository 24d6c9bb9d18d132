"""Named permissions of the core (django-rules)."""

import rules

from .roles import is_signed_in, is_site_admin


@rules.predicate
def has_expert_model_permission(user) -> bool:
    """Staff given the "전문가 정보 수정" model permission (`core.change_expertprofile`) in the admin."""
    return user.is_authenticated and user.is_staff and user.has_perm("core.change_expertprofile")


# Granting and revoking the expert role (`core.experts`): superusers, and staff with the permission.
rules.add_perm("core.grant_expert", is_signed_in & (is_site_admin | has_expert_model_permission))
