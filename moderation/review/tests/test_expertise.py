"""Panel assignment with reviewers' expertise from a provider registered through the registry (a real
registration, undone after each test), against the database."""

import pytest

from ideas.tests.factories import PolicyTrackFactory
from moderation.review import expertise
from moderation.review.expertise import Expertise
from moderation.review.models import Assignment
from moderation.review.services import review_assign, review_conflict_declare

from .factories import make_entries, make_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    """Register providers for one test; afterwards the registry is back as it was (and the test's
    providers are gone)."""
    before = expertise.providers()
    added = []

    def add(table: dict[int, Expertise]):
        def provider(user_ids):
            return {u: table[u] for u in user_ids if u in table}

        added.append(expertise.register(provider))
        return provider

    yield add
    for p in added:
        expertise.unregister(p)
    assert expertise.providers() == before
    assert not set(added) & set(expertise.providers())


def test_the_registry_unites_what_every_provider_says_and_forgets_unregistered_ones(registered):
    first = registered({1: Expertise(tracks=frozenset({7}))})
    registered({1: Expertise(districts=frozenset({"mapo"})), 2: Expertise(tracks=frozenset({8}))})
    expertise.register(first)  # twice is once
    assert expertise.providers().count(first) == 1
    found = expertise.expertise_of([1, 2, 3])
    assert found == {1: Expertise(tracks=frozenset({7}), districts=frozenset({"mapo"})), 2: Expertise(frozenset({8}))}
    assert found[1].matches(track=None, district="mapo") and not found[2].matches(track=7, district="jongno")


def test_every_entry_of_the_experts_track_or_district_gets_the_expert(registered):
    panel = make_panel(n_reviewers=6, k=2)
    track = PolicyTrackFactory()
    entries = make_entries(panel.contest, 12)
    for i, idea in enumerate(entries):
        idea.track = track if i % 3 == 0 else None
        idea.district = "mapo" if i % 3 == 1 else "jongno"
        idea.save(update_fields=["track", "district"])
    reviewers = [m.reviewer for m in panel.members.all()]
    track_expert, district_expert = reviewers[0], reviewers[1]
    registered({track_expert.pk: Expertise(tracks=frozenset({track.pk}))})
    registered({district_expert.pk: Expertise(districts=frozenset({"mapo"}))})

    review_assign(contest=panel.contest, seed=3)
    by_idea = {}
    for a in Assignment.objects.filter(panel=panel):
        by_idea.setdefault(a.idea_id, set()).add(a.reviewer_id)
    for i, idea in enumerate(entries):
        if i % 3 == 0:
            assert track_expert.pk in by_idea[idea.pk]
        if i % 3 == 1:
            assert district_expert.pk in by_idea[idea.pk]
        assert len(by_idea[idea.pk]) == 2


def test_an_expert_with_a_conflict_is_never_assigned_and_the_entry_goes_on_without_one(registered):
    panel = make_panel(n_reviewers=3, k=1)
    expert_user = panel.members.first().reviewer
    idea = make_entries(panel.contest, 1, author=None)[0]
    idea.author.organisation = expert_user.organisation  # same organisation: a conflict
    idea.author.save(update_fields=["organisation"])
    registered({expert_user.pk: Expertise(districts=frozenset({idea.district}))})
    review_assign(contest=panel.contest, seed=1)
    chosen = set(Assignment.objects.filter(idea=idea).values_list("reviewer_id", flat=True))
    assert chosen and expert_user.pk not in chosen


def test_when_the_expert_declares_a_conflict_another_expert_takes_over(registered):
    panel = make_panel(n_reviewers=4, k=1)
    reviewers = [m.reviewer for m in panel.members.all()]
    idea = make_entries(panel.contest, 1)[0]
    registered({r.pk: Expertise(districts=frozenset({idea.district})) for r in reviewers[:2]})
    review_assign(contest=panel.contest, seed=5)
    first = Assignment.objects.get(idea=idea)
    assert first.reviewer_id in {reviewers[0].pk, reviewers[1].pk}
    replacement = review_conflict_declare(assignment=first, reviewer=first.reviewer, reason="지인의 아이디어")
    assert replacement.reviewer_id in {reviewers[0].pk, reviewers[1].pk} - {first.reviewer_id}
