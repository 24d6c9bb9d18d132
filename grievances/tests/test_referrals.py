"""상시 제안 ideas referred to a department: the answer clock over holidays, who may answer, masking,
notifications, the idea page and the inbox."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.follow import follow
from core.models import AuditEntry, Notification
from grievances.deadlines import local_date
from grievances.models import Holiday
from grievances.referrals import idea_refer, referral_answer, referral_transfer
from grievances.tests.factories import DepartmentFactory, department_member
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, make_standing_board, moderator

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL)


def _standing_idea(**kw):
    return IdeaFactory(contest=make_standing_board(), **kw)


def test_referral_deadline_skips_a_holiday_in_working_days():
    idea, dept, staff = _standing_idea(), DepartmentFactory(), moderator()
    Holiday.objects.get_or_create(date=date(2026, 12, 9), defaults={"name": "임시공휴일"})
    with time_machine.travel(MONDAY, tick=False):
        referral = idea_refer(idea=idea, department=dept, note="검토 부탁드립니다", actor=staff)
    # 14 working days (a 건의), the day of receipt counted: without 12-09 it would be 12-24; with it,
    # the 14th is after Christmas (12-25) and the weekend.
    assert local_date(referral.due_at) == date(2026, 12, 28)
    assert referral.received_at == MONDAY
    assert AuditEntry.objects.filter(action="idea.refer", object_id=str(idea.pk)).exists()


def test_only_staff_refer_and_only_standing_ideas():
    dept = DepartmentFactory()
    with pytest.raises(PermissionDenied):
        idea_refer(idea=_standing_idea(), department=dept, actor=department_member(dept))
    with pytest.raises(PermissionDenied):
        idea_refer(idea=IdeaFactory(contest=make_contest("submission")), department=dept, actor=moderator())


def test_a_second_open_referral_of_the_same_idea_is_refused_with_a_message():
    idea, staff = _standing_idea(), moderator()
    idea_refer(idea=idea, department=DepartmentFactory(), actor=staff)
    with pytest.raises(ValidationError, match="이미 부서의 답변을 기다리고"):
        idea_refer(idea=idea, department=DepartmentFactory(), actor=staff)


def test_answer_with_rrn_and_phone_is_masked_and_reaches_author_and_followers_once(client):
    idea, dept = _standing_idea(), DepartmentFactory()
    fan = UserFactory()
    follow(user=fan, target=idea)
    referral = idea_refer(idea=idea, department=dept, actor=moderator())
    member = department_member(dept)
    Notification.objects.all().delete()
    referral_answer(
        referral=referral,
        answer="담당자 주민번호 900101-1234567, 휴대전화 010-1234-5678로 연락 주세요. 내년 예산에 반영합니다.",
        actor=member,
    )
    referral.refresh_from_db()
    assert "1234567" not in referral.answer_public and "5678" not in referral.answer_public
    assert "내년 예산에 반영합니다" in referral.answer_public
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted([idea.author_id, fan.pk])
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "담당 부서 답변" in page and "내년 예산에 반영합니다" in page and "900101-1234567" not in page
    with pytest.raises(ValidationError):
        referral_answer(referral=referral, answer="두 번째 답변", actor=member)


def test_another_departments_member_cannot_answer_and_a_transfer_moves_the_referral():
    idea, first, second = _standing_idea(), DepartmentFactory(), DepartmentFactory()
    referral = idea_refer(idea=idea, department=first, actor=moderator())
    outsider, first_member, second_member = department_member(second), department_member(first), None
    with pytest.raises(PermissionDenied):
        referral_answer(referral=referral, answer="답변", actor=outsider)
    with pytest.raises(ValidationError):
        referral_transfer(referral=referral, department=second, reason="", actor=first_member)
    referral_transfer(referral=referral, department=second, reason="소관 부서가 아닙니다", actor=first_member)
    second_member = outsider
    with pytest.raises(PermissionDenied):
        referral_answer(referral=referral, answer="답변", actor=first_member)
    assert referral_answer(referral=referral, answer="답변 드립니다", actor=second_member).status == "answered"


def test_department_inbox_lists_referred_ideas_with_d_day_in_constant_queries(client):
    dept = DepartmentFactory()
    member, staff = department_member(dept), moderator()
    board = make_standing_board()
    idea_refer(idea=IdeaFactory(contest=board), department=dept, actor=staff)
    client.force_login(member)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/admin/field/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, html = count()
    assert "답변 요청된 상시 제안" in html and "D-" in html
    for _ in range(4):
        idea_refer(idea=IdeaFactory(contest=board), department=dept, actor=staff)
    many, html = count()
    assert html.count("data-overdue") == 0 and html.count("/admin/field/referrals/") >= 10
    assert many == few
