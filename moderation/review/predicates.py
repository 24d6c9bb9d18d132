"""Permission predicates of the review panel (django-rules); combined into named rules in `rules.py`."""

from datetime import date, timedelta

import rules
from django.conf import settings
from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.models.pages import Phase

from .choices import OBJECTION_DAYS_DEFAULT, AssignmentStatus


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


def objection_days() -> int:
    """How many calendar days the objection window stays open (setting `REVIEW_OBJECTION_DAYS`, default 14)."""
    return int(getattr(settings, "REVIEW_OBJECTION_DAYS", OBJECTION_DAYS_DEFAULT))


def objection_closes_on(contest) -> date | None:
    """The last day (Seoul calendar) on which an author may object: the day the results were
    published plus `objection_days()` days. None while the results are not published."""
    if contest is None or not contest.is_results_published:
        return None
    return timezone.localdate(contest.results_published_at) + timedelta(days=objection_days())


def objection_window_open(contest, *, now=None) -> bool:
    """The results are published and today (Seoul calendar) is not past the closing day."""
    closes = objection_closes_on(contest)
    return closes is not None and timezone.localdate(now or timezone.now()) <= closes


@rules.predicate
def has_published_decision(user, idea) -> bool:
    """The entry's contest has published its results and the entry got a decision (선정 or 미선정)."""
    return (
        idea is not None
        and idea.contest.is_results_published
        and idea.status in (IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED)
    )
