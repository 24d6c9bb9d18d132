"""Permission matrix: roles × contest phase for submitting, editing and supporting."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from ideas.tests.factories import IdeaFactory, UserFactory, field_worker, make_contest, moderator, reviewer, site_admin

pytestmark = pytest.mark.django_db

PHASES = ["upcoming", "submission", "screening", "review", "deliberation", "results"]
ROLES = {
    "anonymous": lambda: AnonymousUser(),
    "citizen": lambda: UserFactory(),
    "field_worker": lambda: field_worker(),
    "moderator": lambda: moderator(),
    "reviewer": lambda: reviewer(),
    "admin": lambda: site_admin(),
}

SUBMIT_ALLOWED = {("citizen", "submission"), ("field_worker", "submission")}
SUPPORT_ALLOWED = {
    (role, phase) for role in ("citizen", "field_worker") for phase in ("submission", "screening", "review")
}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_submit_in_each_phase(role, phase):
    contest = make_contest(phase)
    user = ROLES[role]()
    assert rules.has_perm("ideas.submit_idea", user, contest) == ((role, phase) in SUBMIT_ALLOWED)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_support_a_published_idea_in_each_phase(role, phase):
    idea = IdeaFactory(contest=make_contest(phase))
    user = ROLES[role]()
    assert rules.has_perm("ideas.support_idea", user, idea) == ((role, phase) in SUPPORT_ALLOWED)


@pytest.mark.parametrize("phase", PHASES)
def test_only_the_author_edits_and_only_while_submission_is_open(phase):
    idea = IdeaFactory(contest=make_contest(phase))
    assert rules.has_perm("ideas.edit_own_idea", idea.author, idea) == (phase == "submission")
    assert rules.has_perm("ideas.withdraw_own_idea", idea.author, idea) == (phase == "submission")
    for role in ROLES:
        assert not rules.has_perm("ideas.edit_own_idea", ROLES[role](), idea)


@pytest.mark.parametrize("role", list(ROLES))
def test_unpublished_idea_is_visible_only_to_author_and_staff(role):
    idea = IdeaFactory(published_at=None)
    user = ROLES[role]()
    expected = role in ("moderator", "admin")
    assert rules.has_perm("ideas.view_idea", user, idea) == expected
    assert rules.has_perm("ideas.view_idea", idea.author, idea)
