"""Services of the review panel against the database: assignment, conflicts, scoring, results."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEntry
from ideas.choices import IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import UserFactory, make_contest, moderator, reviewer
from ideas_site.demo.review import review_seed_demo
from moderation.review.choices import AssignmentStatus, SheetStatus, Tier
from moderation.review.models import Assignment, ConflictDeclaration, ReviewPanel, ScoreSheet
from moderation.review.selectors import review_progress, review_queue_for, review_ranking, review_results_public
from moderation.review.services import (
    review_assign,
    review_assign_due,
    review_assignment_add,
    review_assignment_remove,
    review_conflict_declare,
    review_decide,
    review_results_publish,
    review_score_save,
    review_score_submit,
)

from .factories import make_entries, make_panel

pytestmark = pytest.mark.django_db


def _values(panel, v):
    return {c.pk: v for c in panel.criteria.all()}


def _move_to(contest, phase):
    """Shift the contest's windows so it is now in `phase`."""
    day = timedelta(days=1)
    start = timezone.now() + {"review": -25, "deliberation": -35, "results": -45}[phase] * day
    contest.submission_opens_at = start
    contest.submission_closes_at = start + 10 * day
    contest.screening_closes_at = start + 20 * day
    contest.review_closes_at = start + 30 * day
    contest.results_at = start + 40 * day
    contest.save()
    return contest


def test_seeded_rubric_is_seouls_2018_rubric():
    panel = make_panel(n_reviewers=1)
    assert [(c.name, c.weight) for c in panel.criteria.all()] == [
        ("지역 일자리창출 적합성", 30),
        ("창의성", 20),
        ("실현가능성", 30),
        ("일자리창출 효과", 20),
    ]


def test_assigning_gives_every_approved_entry_k_reviewers_and_moves_it_to_reviewing():
    panel = make_panel(n_reviewers=5, k=3)
    entries = make_entries(panel.contest, 7)
    rejected = make_entries(panel.contest, 1, status=IdeaStatus.REJECTED)[0]
    unpublished = make_entries(panel.contest, 1, published_at=None)[0]
    result = review_assign(contest=panel.contest, seed=42)
    for idea in entries:
        assert Assignment.objects.filter(idea=idea, status=AssignmentStatus.ACTIVE).count() == 3
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.REVIEWING
        assert idea.status_changes.filter(to_status=IdeaStatus.REVIEWING).exists()
    assert not Assignment.objects.filter(idea__in=[rejected, unpublished]).exists()
    loads = result.loads([m.reviewer_id for m in panel.members.all()])
    assert max(loads.values()) - min(loads.values()) <= 1
    panel.refresh_from_db()
    assert panel.assignment_seed == 42
    assert AuditEntry.objects.filter(action="review.assign", after__seed=42).exists()


def test_rerunning_with_the_same_seed_reproduces_the_assignment():
    panel = make_panel(n_reviewers=5, k=2)
    make_entries(panel.contest, 6)
    review_assign(contest=panel.contest, seed=7)
    first = set(Assignment.objects.values_list("idea_id", "reviewer_id"))
    review_assign(contest=panel.contest, seed=7)
    assert set(Assignment.objects.values_list("idea_id", "reviewer_id")) == first
    assert AuditEntry.objects.filter(action="review.assign").count() == 2


def test_a_reviewer_is_never_assigned_an_author_of_their_own_organisation_or_one_they_declared():
    same_org = reviewer(organisation="(주) 서울 잡스")
    declarer = reviewer(organisation="다른 기관")
    others = [reviewer(organisation=f"기관 {i}") for i in range(3)]
    panel = make_panel(reviewers=[same_org, declarer, *others], k=3)
    author = UserFactory(organisation="서울잡스 주식회사")
    idea = make_entries(panel.contest, 1, author=author)[0]
    friend = UserFactory(organisation="")
    idea2 = make_entries(panel.contest, 1, author=friend)[0]
    ConflictDeclaration.objects.create(panel=panel, reviewer=declarer, person=friend)
    ConflictDeclaration.objects.create(panel=panel, reviewer=declarer, organisation="서울잡스")
    review_assign(contest=panel.contest, seed=1)
    assert not Assignment.objects.filter(idea=idea, reviewer__in=[same_org, declarer]).exists()
    assert not Assignment.objects.filter(idea=idea2, reviewer=declarer).exists()
    assert Assignment.objects.filter(idea=idea).count() == 3


def test_assignment_is_refused_before_screening_closes_and_after_scoring_started():
    panel = make_panel(n_reviewers=3, k=2, phase="screening")
    make_entries(panel.contest, 2)
    with pytest.raises(ValidationError):
        review_assign(contest=panel.contest, seed=1)
    _move_to(panel.contest, "review")
    review_assign(contest=panel.contest, seed=1)
    a = Assignment.objects.first()
    review_score_save(assignment=a, reviewer=a.reviewer, values={})
    with pytest.raises(ValidationError):
        review_assign(contest=panel.contest, seed=2)


def test_periodic_assignment_picks_up_contests_whose_screening_closed_once():
    panel = make_panel(n_reviewers=3, k=2)
    make_entries(panel.contest, 2)
    assert review_assign_due() == [panel.contest.pk]
    assert review_assign_due() == []


def test_management_command_assigns_with_the_given_seed():
    panel = make_panel(n_reviewers=3, k=2)
    make_entries(panel.contest, 3)
    call_command("review_assign", "--contest", str(panel.contest.pk), "--seed", "99")
    panel.refresh_from_db()
    assert panel.assignment_seed == 99 and Assignment.objects.count() == 6


def test_staff_adjustments_are_audited_and_refuse_conflicts():
    staff = moderator()
    same_org = reviewer(organisation="같은 기관")
    panel = make_panel(n_reviewers=3, k=1)
    panel.members.create(reviewer=same_org)
    author = UserFactory(organisation="같은  기관")
    idea = make_entries(panel.contest, 1, author=author)[0]
    review_assign(contest=panel.contest, seed=3)
    a = Assignment.objects.get(idea=idea)
    review_assignment_remove(assignment=a, actor=staff)
    with pytest.raises(ValidationError):
        review_assignment_add(idea=idea, reviewer=same_org, actor=staff)
    spare = next(m.reviewer for m in panel.members.all() if m.reviewer_id not in (a.reviewer_id, same_org.pk))
    review_assignment_add(idea=idea, reviewer=spare, actor=staff)
    assert {"review.assignment_remove", "review.assignment_add"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    with pytest.raises(PermissionDenied):
        review_assignment_add(idea=idea, reviewer=a.reviewer, actor=spare)


def test_declaring_a_conflict_hands_the_entry_to_the_least_loaded_free_reviewer():
    panel = make_panel(n_reviewers=4, k=2)
    idea = make_entries(panel.contest, 1)[0]
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.filter(idea=idea).first()
    review_score_save(assignment=a, reviewer=a.reviewer, values=_values(panel, 5))  # a draft goes away
    replacement = review_conflict_declare(assignment=a, reviewer=a.reviewer, reason="제안자를 압니다")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.CONFLICT
    assert replacement is not None and replacement.reviewer_id != a.reviewer_id
    assert Assignment.objects.filter(idea=idea, status=AssignmentStatus.ACTIVE).count() == 2
    assert not ScoreSheet.objects.filter(assignment=a).exists()
    assert ConflictDeclaration.objects.filter(reviewer=a.reviewer, person=idea.author).exists()
    assert AuditEntry.objects.filter(action="review.conflict_declare").exists()


def test_without_a_free_reviewer_a_conflict_leaves_the_entry_flagged_for_staff():
    panel = make_panel(n_reviewers=2, k=2)
    idea = make_entries(panel.contest, 1)[0]
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.filter(idea=idea).first()
    assert review_conflict_declare(assignment=a, reviewer=a.reviewer, reason="이해관계") is None
    progress = review_progress(panel=panel)
    assert [e.idea.pk for e in progress.flagged] == [idea.pk]
    # and a re-run never puts the reviewer back
    review_assign(contest=panel.contest, seed=5)
    assert not Assignment.objects.filter(idea=idea, reviewer=a.reviewer, status=AssignmentStatus.ACTIVE).exists()


def test_another_reviewer_cannot_declare_a_conflict_on_someone_elses_assignment():
    panel = make_panel(n_reviewers=3, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.get()
    other = next(m.reviewer for m in panel.members.all() if m.reviewer_id != a.reviewer_id)
    with pytest.raises(PermissionDenied):
        review_conflict_declare(assignment=a, reviewer=other)


def test_a_draft_can_be_saved_incomplete_but_submitting_needs_every_score_and_then_locks():
    panel = make_panel(n_reviewers=3, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.get()
    first = panel.criteria.first()
    sheet = review_score_save(assignment=a, reviewer=a.reviewer, values={first.pk: 7}, comment="초안")
    assert sheet.status == SheetStatus.DRAFT
    with pytest.raises(ValidationError) as e:
        review_score_submit(assignment=a, reviewer=a.reviewer, values={first.pk: 7})
    assert len(e.value.error_dict) == 3
    with pytest.raises(ValidationError):
        review_score_save(assignment=a, reviewer=a.reviewer, values={first.pk: 11})
    sheet = review_score_submit(assignment=a, reviewer=a.reviewer, values=_values(panel, 8))
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at
    with pytest.raises(ValidationError):
        review_score_save(assignment=a, reviewer=a.reviewer, values=_values(panel, 1))
    assert ScoreSheet.objects.count() == 1


def test_scores_are_locked_after_the_review_deadline():
    panel = make_panel(n_reviewers=3, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.get()
    _move_to(panel.contest, "deliberation")
    with pytest.raises(PermissionDenied, match="심사 기간이 끝나"):
        review_score_submit(assignment=a, reviewer=a.reviewer, values=_values(panel, 8))


def test_only_the_assigned_reviewer_can_score():
    panel = make_panel(n_reviewers=3, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=5)
    a = Assignment.objects.get()
    other = next(m.reviewer for m in panel.members.all() if m.reviewer_id != a.reviewer_id)
    with pytest.raises(PermissionDenied):
        review_score_save(assignment=a, reviewer=other, values=_values(panel, 8))


def test_the_queue_shows_only_the_reviewers_own_assignments_without_identity():
    panel = make_panel(n_reviewers=3, k=1)
    make_entries(panel.contest, 3)
    review_assign(contest=panel.contest, seed=5)
    r = panel.members.first().reviewer
    items = review_queue_for(r)
    assert {i.entry.assignment_id for i in items} == set(
        Assignment.objects.filter(reviewer=r).values_list("pk", flat=True)
    )
    assert all(not hasattr(i.entry, "author") for i in items)


def test_reminders_go_to_reviewers_with_unsubmitted_sheets_only():
    panel = make_panel(n_reviewers=2, k=1)
    make_entries(panel.contest, 2)
    review_assign(contest=panel.contest, seed=5)
    done, pending = list(Assignment.objects.order_by("pk"))
    review_score_submit(assignment=done, reviewer=done.reviewer, values=_values(panel, 6))
    mail.outbox.clear()
    call_command("review_remind")
    assert [m.to for m in mail.outbox] == [[pending.reviewer.email]]
    assert "심사표가 1건" in mail.outbox[0].body and "/review/" in mail.outbox[0].body


def _scored_panel():
    """Three reviewers, two entries, everyone scored both; reviewer 0 is harsh."""
    panel = make_panel(n_reviewers=3, k=3)
    entries = make_entries(panel.contest, 2)
    review_assign(contest=panel.contest, seed=11)
    for a in Assignment.objects.select_related("reviewer"):
        good = a.idea_id == entries[0].pk
        v = (9 if good else 6) - (4 if a.reviewer.display_name == "심사위원0" else 0)
        review_score_submit(assignment=a, reviewer=a.reviewer, values=_values(panel, v))
    return panel, entries


def test_ranking_puts_the_better_entry_first_with_both_aggregates_and_alpha():
    panel, (good, weak) = _scored_panel()
    ranking = review_ranking(panel.contest)
    assert [r.idea.pk for r in ranking.rows] == [good.pk, weak.pk]
    top = ranking.rows[0].result
    assert top.n_sheets == 3
    assert top.raw_mean == pytest.approx((90 + 90 + 50) / 3)
    assert ranking.alpha is not None and ranking.method == "normalised"


def test_publishing_results_sets_statuses_answers_and_mails_authors():
    staff = moderator()
    panel, (good, weak) = _scored_panel()
    with pytest.raises(ValidationError):
        review_decide(idea=good, tier=Tier.GRAND, actor=staff)  # scoring still open
    _move_to(panel.contest, "deliberation")
    review_decide(idea=good, tier=Tier.GRAND, public_answer="2027년 시범 사업으로 추진합니다.", actor=staff)
    with pytest.raises(ValidationError, match="결정하지 않은"):
        review_results_publish(contest=panel.contest, actor=staff)
    review_decide(idea=weak, tier=Tier.NOT_SELECTED, actor=staff)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        review_results_publish(contest=panel.contest, actor=panel.members.first().reviewer)
    with django_capture_on_commit():
        assert review_results_publish(contest=panel.contest, actor=staff) == 2
    good.refresh_from_db()
    weak.refresh_from_db()
    assert good.status == IdeaStatus.SELECTED and good.official_answer == "2027년 시범 사업으로 추진합니다."
    assert weak.status == IdeaStatus.NOT_SELECTED and "선정되지 않았습니다" in weak.official_answer
    assert sorted(m.to[0] for m in mail.outbox) == sorted([good.author.email, weak.author.email])
    assert any("대상" in m.body for m in mail.outbox)
    assert AuditEntry.objects.filter(action="review.results_publish").exists()
    assert review_results_public(contest=panel.contest) is None  # results date not reached yet
    _move_to(panel.contest, "results")
    public = review_results_public(contest=panel.contest)
    assert [(r.idea.pk, r.tier_label) for r in public.rows] == [(good.pk, "대상")]
    assert public.method_label == "심사위원별 표준화 점수(z점수) 평균"
    from django.template.loader import render_to_string

    html = render_to_string("review/results_table.html", {"review_results": public})
    assert "대상" in html and str(public.method_label) in html and "<script>alert" not in html
    assert weak.reference not in html


def django_capture_on_commit():
    """Run on_commit callbacks inside the test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_demo_seeding_builds_panel_rubric_assignments_and_scores():
    contest = make_contest(phase="review")
    make_entries(contest, 4)
    reviewers = [reviewer() for _ in range(3)]
    panel = review_seed_demo(contest=contest, reviewers=reviewers, score=True)
    assert panel.criteria.count() == 4 and panel.members.count() == 3
    assert ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).count() == 12
    assert Idea.objects.filter(status=IdeaStatus.REVIEWING).count() == 4
    # idempotent, and harmless on a finished contest
    assert review_seed_demo(contest=contest, reviewers=reviewers) == panel
    past = make_contest(phase="results")
    assert review_seed_demo(contest=past, reviewers=reviewers).assignments.count() == 0
    assert ReviewPanel.objects.count() == 2
