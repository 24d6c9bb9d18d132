"""Reports: any signed-in user reports a published item once; enough distinct reporters hide it
until a moderator decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.http import audit_context
from core.models import AuditEntry
from ideas.choices import IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory
from moderation.choices import RejectionReason, ReportDecision, ReportStatus
from moderation.models import Report
from moderation.services import ScreeningConflict, report_create, report_resolve

from .factories import HOSTILE, UserFactory, established_user, staff_moderator

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
        report_create(item=idea, reporter=established_user(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None
    report_create(item=idea, reporter=established_user(), reason="personal_data")
    idea.refresh_from_db()
    assert idea.hidden_at is not None and not Idea.objects.public().filter(pk=idea.pk).exists()
    entry = AuditEntry.objects.get(action="report.auto_hide")
    assert entry.actor is None and entry.after["reporters"] == 3


@override_settings(MODERATION_REPORT_THRESHOLD=1)
def test_report_threshold_is_a_setting(idea):
    report_create(item=idea, reporter=established_user(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is not None


def test_moderator_dismissing_reports_shows_the_idea_again(idea):
    for _n in range(3):
        report_create(item=idea, reporter=established_user(), reason="abuse")
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
        report_create(item=idea, reporter=established_user(), reason="abuse")
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


# ---- limits, reporter weight, moderator decisions, bursts --------------------------------------


def test_three_fresh_unverified_accounts_cannot_hide_an_idea(idea):
    for _n in range(3):
        report_create(item=idea, reporter=UserFactory(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None and idea.is_public
    assert Report.objects.filter(status=ReportStatus.OPEN).count() == 3  # moderators still see them


def test_new_verified_accounts_count_half(idea):
    for _n in range(5):
        report_create(item=idea, reporter=established_user(days=1), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None
    report_create(item=idea, reporter=established_user(days=1), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is not None
    assert AuditEntry.objects.get(action="report.auto_hide").after["weight"] == 3.0


@override_settings(MODERATION_REPORT_LIMITS={"user": (2, 3600), "ip": (100, 3600)})
def test_reports_are_limited_per_account_with_a_korean_429(client, contest):
    client.force_login(established_user())
    ideas = [IdeaFactory(contest=contest) for _n in range(3)]
    for target in ideas[:2]:
        assert client.post(report_url(target), {"reason": "abuse"}, HTTP_ACCEPT="application/json").status_code == 201
    response = client.post(report_url(ideas[2]), {"reason": "abuse"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and "너무 많이" in response.json()["detail"]
    assert Report.objects.count() == 2


@override_settings(MODERATION_REPORT_LIMITS={"user": (2, 3600), "ip": (100, 3600)})
def test_a_refused_duplicate_report_does_not_use_up_the_limit(idea, contest):
    reporter = established_user()
    report_create(item=idea, reporter=reporter, reason="abuse")
    with pytest.raises(ValidationError):
        report_create(item=idea, reporter=reporter, reason="abuse")
    report_create(item=IdeaFactory(contest=contest), reporter=reporter, reason="abuse")
    assert Report.objects.filter(reporter=reporter).count() == 2


@override_settings(MODERATION_REPORT_LIMITS={"user": (100, 3600), "ip": (3, 3600)})
def test_reports_are_limited_per_address_across_accounts(contest):
    ideas = [IdeaFactory(contest=contest) for _n in range(4)]
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4")
    for target in ideas[:3]:
        report_create(item=target, reporter=established_user(), reason="abuse", context=audit_context(request))
    with pytest.raises(ValidationError) as excinfo:
        report_create(item=ideas[3], reporter=established_user(), reason="abuse", context=audit_context(request))
    assert excinfo.value.code == "rate_limited"
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.5")
    report_create(item=ideas[3], reporter=established_user(), reason="abuse", context=audit_context(other))


def test_an_idea_a_moderator_approved_after_the_reports_is_not_hidden_again_by_them(contest):
    from ideas.services import idea_update
    from moderation.services import screening_approve

    from .factories import idea_data, submit

    idea = submit(contest, title="검토 후 공개된 글", body="모더레이터가 확인할 서로 다른 본문입니다. " * 3)
    moderator = staff_moderator()
    screening_approve(item=idea, actor=moderator)
    idea.refresh_from_db()
    for _n in range(2):
        report_create(item=idea, reporter=established_user(), reason="abuse")
    # The author edits it; a moderator looks at it again, reports in view, and approves it.
    idea_update(idea=idea, actor=idea.author, data=idea_data(contest, body="고친 본문입니다. 다시 검토해 주세요. " * 3))
    screening_approve(item=idea, actor=moderator)
    idea.refresh_from_db()
    assert idea.is_public
    # One more report after the approval does not add up with the two before it.
    report_create(item=idea, reporter=established_user(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None and idea.is_public
    # Three reports after the approval are a new matter.
    for _n in range(2):
        report_create(item=idea, reporter=established_user(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is not None


def test_reports_dismissed_by_a_moderator_do_not_count_towards_hiding_again(idea):
    for _n in range(3):
        report_create(item=idea, reporter=established_user(), reason="abuse")
    report_resolve(item=idea, actor=staff_moderator(), decision=ReportDecision.DISMISS)
    idea.refresh_from_db()
    report_create(item=idea, reporter=established_user(), reason="abuse")
    idea.refresh_from_db()
    assert idea.hidden_at is None


def test_a_report_burst_on_one_item_is_mailed_to_moderators_once_and_shown_on_the_reports_screen(
    idea, client, django_capture_on_commit_callbacks, mailoutbox
):
    moderator = staff_moderator(email="mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(7):
            report_create(item=idea, reporter=UserFactory(), reason="advertising")
    assert AuditEntry.objects.filter(action="report.burst").count() == 1
    burst_mail = [m for m in mailoutbox if "신고" in m.subject and moderator.email in m.to]
    assert len(burst_mail) == 1 and "신고 급증" in burst_mail[0].body
    client.force_login(moderator)
    page = client.get(reverse("moderation_admin:reports")).content.decode()
    assert "최근 24시간 신고 급증" in page and "신고 급증" in page
