"""Coordinators: staff grant and revoke the role in the admin (audited), their expertise feeds the
suggested match for a project and the review panel's expertise registry, staff confirm a match."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core.audit import AuditContext
from core.models import AuditEntry
from core.roles import Role, is_coordinator
from grievances.tests.factories import IndustryFactory
from ideas.tests.factories import PolicyTrackFactory, UserFactory, site_admin
from results.choices import ProjectStatus
from results.coordinators import coordinator_save
from results.expertise import coordinator_expertise
from results.models import CoordinatorProfile
from results.selectors import coordinator_suggestions
from results.services import coordinator_assign
from results.tests.factories import ProjectFactory, coordinator

pytestmark = pytest.mark.django_db
CTX = AuditContext()


def test_staff_grant_and_revoke_the_role_in_the_admin_and_it_is_audited(client):
    admin = site_admin()
    user = UserFactory()
    track = PolicyTrackFactory(slug="care")
    client.force_login(admin)
    response = client.post(
        "/admin/snippets/results/coordinatorprofile/add/",
        {
            "user": user.pk,
            "affiliation": "서울일자리센터",
            "tracks": [track.pk],
            "districts": ["mapo", "guro"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert is_coordinator(user)
    profile = CoordinatorProfile.objects.get(user=user)
    assert profile.districts == ["mapo", "guro"] and list(profile.tracks.all()) == [track]
    grant = AuditEntry.objects.get(action="coordinator.grant")
    assert grant.after["districts"] == ["mapo", "guro"] and grant.after["tracks"] == [track.pk]
    response = client.post(f"/admin/snippets/results/coordinatorprofile/delete/{profile.pk}/")
    assert response.status_code == 302
    user = type(user).objects.get(pk=user.pk)
    assert not is_coordinator(user)
    assert AuditEntry.objects.filter(action="coordinator.revoke").exists()


def test_deactivating_a_profile_takes_the_role_and_an_unknown_district_is_refused():
    admin = site_admin()
    user = coordinator()
    profile = user.coordinator_profile
    profile.active = False
    coordinator_save(profile=profile, actor=admin, context=CTX)
    assert not type(user).objects.get(pk=user.pk).has_role(Role.COORDINATOR)
    profile.districts = ["atlantis"]
    with pytest.raises(ValidationError, match="알 수 없는 지역 코드"):
        coordinator_save(profile=profile, actor=admin, context=CTX)


def test_the_suggested_match_ranks_by_overlap_then_load():
    track, industry = PolicyTrackFactory(slug="youth"), IndustryFactory()
    project = ProjectFactory(track=track, district="mapo", industry=industry)
    full = coordinator(tracks=[track], districts=["mapo"], industries=[industry])
    busy_full = coordinator(tracks=[track], districts=["mapo"], industries=[industry])
    ProjectFactory(coordinator=busy_full, status=ProjectStatus.IN_PROGRESS)
    ProjectFactory(coordinator=full, status=ProjectStatus.DONE)  # done projects are no load
    track_only = coordinator(tracks=[track])
    coordinator(districts=["guro"])  # no overlap: not suggested
    inactive = coordinator(tracks=[track], districts=["mapo"])
    inactive.coordinator_profile.active = False
    inactive.coordinator_profile.save()
    matches = coordinator_suggestions(project=project)
    assert [m.user for m in matches] == [full, busy_full, track_only]
    assert matches[0].reasons == ("정책 트랙", "지역", "업종") and (matches[0].load, matches[1].load) == (0, 1)


def test_the_match_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    track = PolicyTrackFactory(slug="youth")
    project = ProjectFactory(track=track)
    for _ in range(3):
        coordinator(tracks=[track])
    with django_assert_max_num_queries(3):
        assert len(coordinator_suggestions(project=project)) == 3
    for _ in range(5):
        coordinator(tracks=[track])
    with django_assert_max_num_queries(3):
        assert len(coordinator_suggestions(project=project, limit=10)) == 8


def test_staff_confirm_a_coordinator_and_only_an_active_one(client):
    admin = site_admin()
    track = PolicyTrackFactory(slug="youth")
    project = ProjectFactory(track=track)
    chosen = coordinator(tracks=[track])
    client.force_login(admin)
    page = client.get(f"/admin/results/projects/{project.pk}/coordinator/").content.decode()
    assert "서울일자리센터" in page
    assert (
        client.post(f"/admin/results/projects/{project.pk}/coordinator/", {"coordinator": chosen.pk}).status_code == 302
    )
    project.refresh_from_db()
    assert project.coordinator == chosen
    with pytest.raises(ValidationError, match="활동 중인"):
        coordinator_assign(project=project, coordinator=UserFactory(), actor=admin, context=CTX)


def test_coordinators_expertise_for_the_review_panel():
    track = PolicyTrackFactory(slug="youth")
    a = coordinator(tracks=[track], districts=["mapo"])
    b = coordinator()
    citizen = UserFactory()
    found = coordinator_expertise([a.pk, b.pk, citizen.pk])
    assert set(found) == {a.pk, b.pk}
    assert found[a.pk].tracks == frozenset({track.pk}) and found[a.pk].districts == frozenset({"mapo"})
    assert found[b.pk].tracks == frozenset()


def test_a_coordinator_on_a_panel_reviews_the_entries_of_their_track():
    """The registration in ResultsConfig.ready(): the review assignment reads coordinators' expertise."""
    from moderation.review import expertise
    from moderation.review.models import Assignment
    from moderation.review.services import review_assign
    from moderation.review.tests.factories import make_entries, make_panel
    from results.expertise import provider

    assert provider in expertise.providers()
    panel = make_panel(n_reviewers=6, k=2)
    track = PolicyTrackFactory()
    field_expert = panel.members.order_by("pk").last().reviewer
    CoordinatorProfile.objects.create(user=field_expert, affiliation="서울일자리센터", active=True).tracks.add(track)
    field_expert.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR)[0])
    entries = make_entries(panel.contest, 12)
    for i, idea in enumerate(entries):
        idea.track = track if i % 4 == 0 else None
        idea.save(update_fields=["track"])
    assert expertise.expertise_of([field_expert.pk])[field_expert.pk].tracks == frozenset({track.pk})
    review_assign(contest=panel.contest, seed=5)
    theirs = set(Assignment.objects.filter(panel=panel, reviewer=field_expert).values_list("idea_id", flat=True))
    assert {idea.pk for i, idea in enumerate(entries) if i % 4 == 0} <= theirs
