"""Reusable permission predicates (django-rules). Combined into named rules in `rules.py`."""

import rules

from .choices import EDITABLE_STATUSES, Role


@rules.predicate
def is_citizen(user) -> bool:
    return user.is_authenticated and user.is_citizen


@rules.predicate
def is_field_worker(user) -> bool:
    return user.is_authenticated and user.has_role(Role.FIELD_WORKER)


@rules.predicate
def is_moderator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.MODERATOR))


def user_is_moderation_staff(user) -> bool:
    """Moderators and superusers: the people who screen entries and may see every idea.

    `is_staff` alone (Wagtail admin access) and the reviewer role do not count. The predicate
    below and `IdeaQuerySet.visible_to` both call this, so they cannot disagree.
    """
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.MODERATOR))


@rules.predicate
def is_moderation_staff(user) -> bool:
    return user_is_moderation_staff(user)


@rules.predicate
def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.REVIEWER)


@rules.predicate
def is_site_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


@rules.predicate
def has_privacy_consent(user) -> bool:
    return user.is_authenticated and bool(user.privacy_consent_at)


@rules.predicate
def is_author(user, idea) -> bool:
    return idea is not None and user.is_authenticated and idea.author_id == user.pk


@rules.predicate
def is_public(user, idea) -> bool:
    return idea is not None and idea.is_public


@rules.predicate
def is_editable_status(user, idea) -> bool:
    return idea is not None and idea.status in EDITABLE_STATUSES


@rules.predicate
def contest_accepts_submissions(user, obj) -> bool:
    """obj is a contest, or an idea whose contest is asked."""
    contest = getattr(obj, "contest", obj)
    return contest is not None and contest.is_submission_open


@rules.predicate
def contest_accepts_supports(user, idea) -> bool:
    return idea is not None and idea.contest.is_support_open


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


@rules.predicate
def contest_in_blind_review(user, idea) -> bool:
    """The idea's contest is reviewed blind right now (no idea given: assume it is)."""
    return idea is None or idea.contest.is_blind_review
