"""Accounts and roles: the staff role groups, what a user model must answer about them, and the role
predicates every app's rules combine (django-rules). The user model itself stays `ideas.User`
(`AUTH_USER_MODEL`); it mixes in `RoleHolder`, and the layers below reach it only through
`get_user_model()` and these predicates."""

from __future__ import annotations

import rules


class Role:
    """Group names of the staff roles. A signed-in user in none of them is a citizen."""

    FIELD_WORKER = "현장근무자"
    MODERATOR = "모더레이터"
    REVIEWER = "심사위원"
    #: Experts (전문가) give opinions in discussion topics with their affiliation shown
    #: (`core.models.ExpertProfile`); staff grant the role with `core.experts.expert_grant`. Not a staff
    #: role: an expert is still a citizen everywhere else (supports ideas, submits).
    EXPERT = "전문가"
    #: 일자리 창출코디네이터: field mentors matched to adopted ideas' projects (`results.models.CoordinatorProfile`,
    #: granted by staff through `results.coordinators`). Not a staff role: a coordinator updates their own
    #: projects on the site and is a citizen everywhere else.
    COORDINATOR = "일자리창출코디네이터"
    ALL = (FIELD_WORKER, MODERATOR, REVIEWER)


class RoleHolder:
    """Mixed into the user model: its role groups, read once per user object."""

    def has_role(self, role: str) -> bool:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names

    @property
    def is_citizen(self) -> bool:
        return self.is_active and not self.is_staff and not any(self.has_role(r) for r in Role.ALL)


def user_is_moderation_staff(user) -> bool:
    """Moderators and superusers: the people who screen submissions and may see every one.

    `is_staff` alone (Wagtail admin access) and the reviewer role do not count. The predicate
    `is_moderator` (superusers included) and the visibility querysets both call this, so they cannot disagree.
    """
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.MODERATOR))


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_citizen(user) -> bool:
    return user.is_authenticated and user.is_citizen


@rules.predicate
def is_field_worker(user) -> bool:
    return user.is_authenticated and user.has_role(Role.FIELD_WORKER)


@rules.predicate
def is_expert(user) -> bool:
    return user.is_authenticated and user.has_role(Role.EXPERT)


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.COORDINATOR)


@rules.predicate
def is_staff_member(user) -> bool:
    """Staff of the city (Wagtail admin users) and superusers."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


@rules.predicate
def is_moderator(user) -> bool:
    return user_is_moderation_staff(user)


@rules.predicate
def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.REVIEWER)


@rules.predicate
def is_site_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser
