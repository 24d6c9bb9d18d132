"""Reports: any signed-in user reports a published item once; enough distinct reporters hide it
until a moderator decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse

from ideas.choices import IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory
from moderation.choices import RejectionReason, ReportDecision, ReportStatus
from moderation.models import AuditEntry, Report
from moderation.services import ScreeningConflict, report_create, report_resolve

from .factories import HOSTILE, UserFactory, staff_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(contest):
    return IdeaFactory(contest=contest)


def report_url(idea):
    return reverse("moderation:report-create", kwargs={"model_label": "ideas.idea", "pk": idea.pk})


def test_signed_in_citizen_reports_a_published_idea(client, idea):
    reporter = UserFactory()
    client.force_login(reporter)
    response = client.post(report_url(idea), {"reason": "abuse", "note": HOSTILE})
    assert response.status_code == 302 and response.url == idea.get_absolute_url()
    report = Report.objects.get()
    assert report.reporter == reporter and report.item == idea and report.status == ReportStatus.OPEN


def test_anonymous_visitor_is_sent_to_sign_in(client, idea):
    response = client.post(report_url(idea), {"reason": "abuse"})
    assert response.status_code == 302 and "login" in response.url
    assert not Report.objects.exists()


def test_report_needs_a_reason_from_the_list(client, idea):
    client.force_login(UserFactory())
    response = client.post(report_url(idea), {"reason": "싫어요"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "목록" in response.json()["detail"]


def test_author_cannot_report_own_idea_and_unpublished_ideas_cannot_be_reported(client, contest):
    idea = IdeaFactory(contest=contest)
    client.force_login(idea.author)
    assert client.post(report_url(idea), {"reason": "abuse"}, HTTP_ACCEPT="application/json").status_code == 403
    hidden = IdeaFactory(contest=contest, published_at=None)
    client.force_login(UserFactory())
    assert client.post(report_url(hidden), {"reason": "abuse"}, HTTP_ACCEPT="application/json").status_code == 403


def test_unknown_or_unmoderated_models_are_not_found(client, idea):
    client.force_login(UserFactory())
    assert client.post("/reports/ideas.user/1/", {"reason": "abuse"}).status_code == 404
    assert client.post("/reports/nope.nope/1/", {"reason": "abuse"}).status_code == 404


def test_reporting_twice_counts_once(idea):
    reporter = UserFactory()
    report_create(item=idea, reporter=reporter, reason="abuse")
    with pytest.raises(ValidationError):
        report_create(item=idea, reporter=reporter, reason="advertising")
    assert Report.objects.count() == 1


def test_third_distinct_reporter_hides_the_idea_with_one_system_audit_record(idea):
    for _n in range(2):
        report_create(item=idea, reporter=UserFactory(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None
    report_create(item=idea, reporter=UserFactory(), reason="personal_data")
    idea.refresh_from_db()
    assert idea.hidden_at is not None and not Idea.objects.public().filter(pk=idea.pk).exists()
    entry = AuditEntry.objects.get(action="report.auto_hide")
    assert entry.actor is None and entry.after["reporters"] == 3


@override_settings(MODERATION_REPORT_THRESHOLD=1)
def test_report_threshold_is_a_setting(idea):
    report_create(item=idea, reporter=UserFactory(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is not None


def test_moderator_dismissing_reports_shows_the_idea_again(idea):
    for _n in range(3):
        report_create(item=idea, reporter=UserFactory(), reason="abuse")
    moderator = staff_moderator()
    assert report_resolve(item=idea, actor=moderator, decision=ReportDecision.DISMISS) == 3
    idea.refresh_from_db()
    assert idea.hidden_at is None and idea.is_public
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DISMISSED}
    assert AuditEntry.objects.filter(action="report.dismiss", actor=moderator).count() == 1
    with pytest.raises(ScreeningConflict):
        report_resolve(item=idea, actor=moderator, decision=ReportDecision.DISMISS)


def test_moderator_upholding_reports_rejects_the_idea_and_keeps_it_hidden(idea):
    for _n in range(3):
        report_create(item=idea, reporter=UserFactory(), reason="abuse")
    report_resolve(
        item=idea, actor=staff_moderator(), decision=ReportDecision.UPHOLD, reason=RejectionReason.ABUSE, note="욕설"
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.REJECTED and idea.hidden_at is not None
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "report.auto_hide",
        "idea.status",
        "report.uphold",
    ]


@pytest.mark.parametrize("make_actor", [UserFactory, lambda: None])
def test_only_moderators_resolve_reports(idea, make_actor):
    report_create(item=idea, reporter=UserFactory(), reason="abuse")
    with pytest.raises(PermissionDenied):
        report_resolve(item=idea, actor=make_actor(), decision=ReportDecision.DISMISS)


def render_include(idea, user):
    request = RequestFactory().get(idea.get_absolute_url())
    request.user = user
    return Template('{% include "moderation/report_form.html" with item=idea %}').render(
        Context({"idea": idea, "request": request, "user": user})
    )


def test_report_form_include_offers_the_form_then_says_it_was_sent(idea):
    from django.contrib.auth.models import AnonymousUser

    citizen = UserFactory()
    html = render_include(idea, citizen)
    assert report_url(idea) in html and 'name="reason"' in html
    report_create(item=idea, reporter=citizen, reason="abuse")
    assert "신고했습니다" in render_include(idea, citizen)
    assert "로그인하고 신고하기" in render_include(idea, AnonymousUser())
    assert 'name="reason"' not in render_include(idea, idea.author)
