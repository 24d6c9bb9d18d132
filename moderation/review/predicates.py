"""Permission predicates of the review panel (django-rules); combined into named rules in `rules.py`."""

import rules

from ideas.models.pages import Phase

from .choices import AssignmentStatus


@rules.predicate
def is_assigned_reviewer(user, assignment) -> bool:
    """The user holds this (active) assignment."""
    return (
        assignment is not None
        and user.is_authenticated
        and assignment.reviewer_id == user.pk
        and assignment.status == AssignmentStatus.ACTIVE
    )


@rules.predicate
def scoring_is_open(user, assignment) -> bool:
    """Scores may be written between the end of screening and `review_closes_at`."""
    return assignment is not None and assignment.panel.contest.phase == Phase.REVIEW


@rules.predicate
def scoring_has_closed(user, panel) -> bool:
    """The panel's contest is past its review phase (decisions may be taken)."""
    return panel is not None and panel.contest.phase in (Phase.DELIBERATION, Phase.RESULTS)


@rules.predicate
def results_not_yet_published(user, panel) -> bool:
    return panel is not None and panel.results_published_at is None
