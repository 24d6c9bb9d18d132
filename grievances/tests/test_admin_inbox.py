"""The department inbox and a post's admin page: who gets in, what each sees, the actions through the
services, answer templates, bulk assign, the query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from grievances.choices import EventKind, GrievanceStatus
from grievances.models import AnswerTemplate, Grievance
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member, field_worker_of
from ideas.tests.factories import PolicyTrackFactory, UserFactory, reviewer, site_admin
from moderation.tests.factories import grant_admin_access, staff_moderator

pytestmark = pytest.mark.django_db

INBOX = "/admin/field/"


def post_url(g) -> str:
    return reverse("grievances_admin:post", args=[g.reference])


@pytest.fixture
def depts():
    return DepartmentFactory(name="일자리정책과"), DepartmentFactory(name="노동정책과")


def _overdue(**kw):
    now = timezone.now()
    return GrievanceFactory(received_at=now - timedelta(days=20), due_at=now - timedelta(days=5), **kw)


def test_department_member_sees_their_open_posts_overdue_first_with_days_left(client, depts):
    jobs, labour = depts
    later = GrievanceFactory(department=jobs, title="나중 기한 글", title_public="나중 기한 글")
    late = _overdue(department=jobs, title="늦은 글", title_public="늦은 글")
    other = GrievanceFactory(department=labour, title="다른 부서 글", title_public="다른 부서 글")
    GrievanceFactory(department=jobs, status=GrievanceStatus.ANSWERED, title="닫힌 글", title_public="닫힌 글")
    client.force_login(department_member(jobs))
    html = client.get(INBOX).content.decode()
    assert late.reference in html and later.reference in html
    assert other.reference not in html and "닫힌 글" not in html
    assert html.index(late.reference) < html.index(later.reference)
    assert "일 지남" in html and "data-overdue" in html
    assert "D-" in html
    # Masked title only: the factory's markup is escaped, never run.
    assert "<script>alert" not in html


def test_department_member_cannot_open_or_act_on_another_departments_post(client, depts):
    jobs, labour = depts
    other = GrievanceFactory(department=labour)
    client.force_login(department_member(jobs))
    assert client.get(post_url(other)).status_code == 404
    response = client.post(post_url(other), {"action": "start"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == GrievanceStatus.RECEIVED


@pytest.mark.parametrize("who", ["citizen", "field_worker", "reviewer", "staff"])
def test_others_do_not_get_into_the_inbox(client, depts, who):
    grant_admin_access("심사위원")
    user = {
        "citizen": UserFactory,
        "field_worker": field_worker_of,
        "reviewer": reviewer,
        "staff": lambda: UserFactory(is_staff=True),
    }[who]()
    post = GrievanceFactory(department=depts[0])
    client.force_login(user)
    for url in (INBOX, post_url(post), "/admin/field/dashboard/", "/admin/field/export.csv"):
        response = client.get(url)
        assert response.status_code == 302, url
    assert client.post("/admin/field/assign/", {"posts": [post.pk], "department": depts[1].pk}).status_code == 302
    post.refresh_from_db()
    assert post.department == depts[0]


def test_moderator_sees_every_department_and_filters_by_one_or_by_unassigned(client, depts):
    jobs, labour = depts
    a, b, none = GrievanceFactory(department=jobs), GrievanceFactory(department=labour), GrievanceFactory()
    client.force_login(staff_moderator())
    html = client.get(INBOX).content.decode()
    assert all(g.reference in html for g in (a, b, none))
    html = client.get(INBOX, {"department": labour.pk}).content.decode()
    assert b.reference in html and a.reference not in html and none.reference not in html
    html = client.get(INBOX, {"department": "none"}).content.decode()
    assert none.reference in html and a.reference not in html
    # A tampered filter falls back to the default list, never a 500.
    assert client.get(INBOX, {"department": "x'; drop", "page": "99999999999999999999"}).status_code == 200


def test_the_inbox_shows_the_suggested_department_and_its_confidence(client, depts):
    GrievanceFactory(suggested_department=depts[0], suggested_department_score=0.82)
    client.force_login(site_admin())
    html = client.get(INBOX).content.decode()
    assert "일자리정책과 (82%)" in html


def test_inbox_runs_a_constant_number_of_queries(client, depts):
    jobs, labour = depts
    client.force_login(department_member(jobs))
    GrievanceFactory(department=jobs, suggested_department=labour, suggested_department_score=0.5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    for _ in range(12):
        GrievanceFactory(department=jobs, suggested_department=labour, track=PolicyTrackFactory())
        _overdue(department=jobs)
    with CaptureQueriesContext(connection) as many:
        assert client.get(INBOX).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_moderator_bulk_assigns_selected_posts(client, depts):
    jobs, labour = depts
    a, b = GrievanceFactory(), GrievanceFactory()
    closed = GrievanceFactory(status=GrievanceStatus.ANSWERED)
    untouched = GrievanceFactory()
    client.force_login(staff_moderator())
    response = client.post(
        "/admin/field/assign/",
        {"posts": [a.pk, b.pk, closed.pk, "nonsense"], "department": labour.pk, "query": "status=open"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/field/?status=open"
    for g in (a, b):
        g.refresh_from_db()
        assert (g.department, g.status, g.route_confirmed) == (labour, GrievanceStatus.ASSIGNED, True)
    closed.refresh_from_db()
    untouched.refresh_from_db()
    assert closed.department is None and untouched.department is None
    assert AuditEntry.objects.filter(action="grievance.assign").count() == 2


def test_bulk_assign_without_a_department_says_so_in_korean(client, depts):
    a = GrievanceFactory()
    client.force_login(staff_moderator())
    response = client.post("/admin/field/assign/", {"posts": [a.pk]}, follow=True)
    assert "배정할 부서를 골라 주세요." in response.content.decode()
    a.refresh_from_db()
    assert a.department is None


def test_department_member_cannot_bulk_assign(client, depts):
    jobs, labour = depts
    mine = GrievanceFactory(department=jobs)
    client.force_login(department_member(jobs))
    assert client.post("/admin/field/assign/", {"posts": [mine.pk], "department": labour.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.department == jobs and not mine.route_confirmed


def test_post_page_shows_masked_text_and_history_to_the_member_without_a_reveal(client, depts):
    jobs, _labour = depts
    post = GrievanceFactory(department=jobs)
    client.force_login(department_member(jobs))
    html = client.get(post_url(post)).content.decode()
    assert "010-****-****" in html and "010-1234-5678" not in html
    assert 'value="reveal"' not in html
    # Asking for the original anyway is refused (Wagtail's redirect), and nothing is logged.
    assert client.post(post_url(post), {"action": "reveal", "purpose": "확인"}).status_code == 302
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()


def test_moderator_reveals_the_original_with_a_purpose_and_it_is_logged(client, depts):
    post = GrievanceFactory(department=depts[0])
    client.force_login(staff_moderator())
    assert 'value="reveal"' in client.get(post_url(post)).content.decode()
    response = client.post(post_url(post), {"action": "reveal", "purpose": ""})
    assert response.status_code == 400 and "열람 목적을 적어 주세요" in response.content.decode()
    response = client.post(post_url(post), {"action": "reveal", "purpose": "연락 필요"})
    assert "010-1234-5678" in response.content.decode()
    assert AuditEntry.objects.filter(action="personal_data.view", object_id=str(post.pk)).count() == 1


def test_moderator_confirms_the_suggested_route_in_one_click(client, depts):
    jobs, _labour = depts
    track = PolicyTrackFactory()
    post = GrievanceFactory(suggested_department=jobs, suggested_department_score=0.82, suggested_track=track)
    client.force_login(staff_moderator())
    html = client.get(post_url(post)).content.decode()
    assert "추천" in html and "일자리정책과" in html and "신뢰도 82%" in html
    response = client.post(post_url(post), {"action": "route", "route-department": jobs.pk, "route-track": track.pk})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.department, post.track, post.status, post.route_confirmed) == (
        jobs,
        track,
        GrievanceStatus.ASSIGNED,
        True,
    )


def test_department_member_is_not_offered_routing_and_cannot_route(client, depts):
    jobs, labour = depts
    post = GrievanceFactory(department=jobs, suggested_department=labour)
    client.force_login(department_member(jobs))
    assert 'value="route"' not in client.get(post_url(post)).content.decode()
    assert client.post(post_url(post), {"action": "route", "route-department": labour.pk}).status_code == 302
    post.refresh_from_db()
    assert post.department == jobs


def test_member_starts_gives_interim_extends_and_answers(client, depts):
    jobs, _labour = depts
    post = GrievanceFactory(department=jobs, status=GrievanceStatus.ASSIGNED)
    client.force_login(department_member(jobs))
    assert client.post(post_url(post), {"action": "start"}).status_code == 302
    assert (
        client.post(post_url(post), {"action": "interim", "interim-message": "현장 확인 중입니다."}).status_code == 302
    )
    assert (
        client.post(
            post_url(post), {"action": "extend", "extend-days": "3", "extend-reason": "관계 기관 협의"}
        ).status_code
        == 302
    )
    response = client.post(
        post_url(post), {"action": "answer", "answer-answer": "휴게 공간을 마련하겠습니다. 담당 010-9999-8888"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == GrievanceStatus.ANSWERED
    assert post.extended_at is not None and post.extension_reason == "관계 기관 협의"
    assert "010-9999-8888" not in post.answer_public
    kinds = list(post.events.values_list("kind", flat=True))
    assert [EventKind.STARTED, EventKind.INTERIM, EventKind.EXTENDED, EventKind.ANSWERED] == kinds[-4:]


def test_bad_action_input_gets_korean_errors_and_keeps_the_text(client, depts):
    jobs, _labour = depts
    post = GrievanceFactory(department=jobs)
    client.force_login(department_member(jobs))
    response = client.post(post_url(post), {"action": "extend", "extend-days": "abc", "extend-reason": "사유 내용"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "연장 일수는 숫자로 적어 주세요." in html and "사유 내용" in html
    # More than the original period: the service's Korean message, on the form.
    response = client.post(post_url(post), {"action": "extend", "extend-days": "60", "extend-reason": "길게"})
    assert response.status_code == 400 and "연장 기간은 1일부터" in response.content.decode()
    response = client.post(post_url(post), {"action": "answer", "answer-answer": "   "})
    assert response.status_code == 400 and "답변 내용을 적어 주세요." in response.content.decode()
    assert client.post(post_url(post), {"action": "explode"}).status_code == 400
    post.refresh_from_db()
    assert post.status == GrievanceStatus.RECEIVED and post.extended_at is None


def test_member_transfers_hands_over_and_merges(client, depts):
    jobs, labour = depts
    member = department_member(jobs)
    client.force_login(member)
    moving = GrievanceFactory(department=jobs)
    response = client.post(
        post_url(moving), {"action": "transfer", "transfer-department": labour.pk, "transfer-reason": "소관 부서"}
    )
    assert response.status_code == 302
    moving.refresh_from_db()
    assert (moving.department, moving.status) == (labour, GrievanceStatus.TRANSFERRED)
    # Once transferred it is the other department's: no longer in this member's scope.
    assert client.get(post_url(moving)).status_code == 404

    away = GrievanceFactory(department=jobs)
    response = client.post(
        post_url(away), {"action": "hand_over", "hand_over-agency": "구로구청", "hand_over-reason": "자치구 소관"}
    )
    assert response.status_code == 302
    away.refresh_from_db()
    assert (away.status, away.handed_over_to) == (GrievanceStatus.HANDED_OVER, "구로구청")

    original, dup = GrievanceFactory(department=jobs), GrievanceFactory(department=jobs)
    response = client.post(post_url(dup), {"action": "merge", "merge-into": "G00-NOPE", "merge-reason": "중복"})
    assert response.status_code == 400 and "그 접수 번호의 글을 찾을 수 없습니다." in response.content.decode()
    response = client.post(
        post_url(dup), {"action": "merge", "merge-into": original.reference, "merge-reason": "같은 내용"}
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into) == (GrievanceStatus.DUPLICATE, original)


def test_answer_templates_are_offered_and_fill_the_answer_without_javascript(client, depts):
    jobs, labour = depts
    mine = AnswerTemplate.objects.create(department=jobs, title="휴게 공간 안내", body="검토 후 설치하겠습니다.")
    AnswerTemplate.objects.create(department=None, title="공통 인사", body="소중한 의견 감사합니다.")
    AnswerTemplate.objects.create(department=labour, title="노동 부서 서식", body="다른 부서")
    post = GrievanceFactory(department=jobs)
    client.force_login(department_member(jobs))
    html = client.get(post_url(post)).content.decode()
    assert "휴게 공간 안내" in html and "공통 인사" in html and "노동 부서 서식" not in html
    assert 'data-body="검토 후 설치하겠습니다."' in html and "answer_templates.js" in html
    html = client.get(post_url(post), {"template": mine.pk}).content.decode()
    assert "검토 후 설치하겠습니다.</textarea>" in html


def test_closed_posts_stay_readable_without_action_forms(client, depts):
    jobs, _labour = depts
    post = GrievanceFactory(department=jobs, status=GrievanceStatus.ANSWERED, answer_public="답변했습니다.")
    client.force_login(department_member(jobs))
    html = client.get(INBOX, {"status": "all"}).content.decode()
    assert post.reference in html
    html = client.get(post_url(post)).content.decode()
    assert "답변했습니다." in html and 'value="answer"' not in html


def test_dashboard_page_and_home_panel_show_the_scope_figures(client, depts):
    jobs, labour = depts
    _overdue(department=jobs)
    GrievanceFactory(department=jobs)
    GrievanceFactory(department=labour)
    client.force_login(department_member(jobs))
    html = client.get("/admin/field/dashboard/").content.decode()
    assert 'data-figure="open">2<' in html and 'data-figure="overdue">1<' in html
    assert "노동정책과" not in html
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "처리할 글 2건, 그중 기한 지난 글 1건" in home


def test_unassigned_posts_are_the_moderators_only(client, depts):
    jobs, _labour = depts
    post = GrievanceFactory(suggested_department=jobs)
    assert Grievance.objects.filter(pk=post.pk, department__isnull=True).exists()
    client.force_login(department_member(jobs))
    assert post.reference not in client.get(INBOX).content.decode()
    assert client.get(post_url(post)).status_code == 404
