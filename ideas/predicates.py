"""Permission predicates about ideas and contests (django-rules); the role predicates are `core.roles`.
Combined into named rules in `rules.py`."""

import rules

from .choices import EDITABLE_STATUSES


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
def contest_in_blind_review(user, idea) -> bool:
    """The idea's contest is reviewed blind right now (no idea given: assume it is)."""
    return idea is None or idea.contest.is_blind_review


@rules.predicate
def is_on_standing_board(user, idea) -> bool:
    return idea is not None and idea.contest.is_standing


@rules.predicate
def is_invitee(user, invitation) -> bool:
    return invitation is not None and user.is_authenticated and invitation.idea.author_id == user.pk


@rules.predicate
def invitation_is_pending(user, invitation) -> bool:
    return invitation is not None and invitation.is_pending


@rules.predicate
def invited_round_accepts_entries(user, invitation) -> bool:
    return invitation is not None and invitation.round.live and invitation.round.is_submission_open
