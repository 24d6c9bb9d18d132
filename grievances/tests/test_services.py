"""The grievance board's services: posting, routing, the answer clock, answers, ratings, re-answers,
transfers, hand-overs, merges — with frozen time, real holidays from the `Holiday` table, and the
notifications each step sends."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.follow import follow, is_following
from core.models import AuditEntry, Notification
from grievances.choices import Channel, EventKind, GrievanceKind, GrievanceStatus, Rating
from grievances.models import Grievance, GrievanceEvent
from grievances.services import (
    GrievanceData,
    grievance_answer,
    grievance_assign,
    grievance_extend,
    grievance_for_receipt_code,
    grievance_hand_over,
    grievance_merge,
    grievance_rate,
    grievance_request_reanswer,
    grievance_save_draft,
    grievance_start,
    grievance_submit,
    grievance_transfer,
    visit_create,
)
from grievances.tests.factories import (
    DepartmentFactory,
    FieldVisitFactory,
    IndustryFactory,
    OrganisationFactory,
    department_member,
    field_worker_of,
)
from ideas.tests.factories import UserFactory, moderator
from moderation.models import ScreeningCase

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


def data(**kw) -> GrievanceData:
    base = dict(
        kind=GrievanceKind.DIFFICULTY,
        title="택시 차고지 근처 휴게 공간이 없습니다",
        body="야간 근무를 마친 기사들이 쉴 곳이 없어 차 안에서 잡니다. 차고지 가까이 쉼터가 필요합니다.",
        district="guro",
        industry=IndustryFactory(),
    )
    base.update(kw)
    return GrievanceData(**base)


@pytest.fixture
def dept():
    return DepartmentFactory(name="노동정책과", slug="labour")


@pytest.fixture
def other_dept():
    return DepartmentFactory(name="소상공인정책과", slug="small-business")


def submitted(author=None, *, now=None, **kw) -> Grievance:
    result = grievance_submit(author=author or UserFactory(), data=data(**kw), now=now)
    return result.grievance


# ---- posting ------------------------------------------------------------------------------------


def test_a_citizen_posts_is_received_masked_screened_and_told():
    citizen = UserFactory()
    g = submitted(citizen, body="연락은 010-1234-5678 로 주세요. 차고지 옆에 쉼터가 필요합니다.")
    assert g.status == GrievanceStatus.RECEIVED and g.channel == Channel.CITIZEN
    assert g.reference.startswith("F") and g.received_at and g.due_at
    assert "5678" in g.body and "5678" not in Grievance.objects.get(pk=g.pk).body_public
    assert ScreeningCase.objects.for_item(g).exists()
    assert [e.kind for e in g.events.all()] == [EventKind.RECEIVED]
    assert Notification.objects.filter(user=citizen, object_id=str(g.pk)).count() == 1
    assert AuditEntry.objects.filter(action="grievance.submit", object_id=str(g.pk)).exists()


def test_a_resident_number_refuses_the_post_and_saves_nothing():
    with pytest.raises(ValidationError) as err:
        submitted(body="제 주민번호는 900101-1234567 입니다")
    assert "주민등록번호" in str(err.value)
    assert not Grievance.objects.exists() and not GrievanceEvent.objects.exists()


def test_the_same_form_token_makes_one_post():
    citizen, token = UserFactory(), uuid.uuid4()
    first = grievance_submit(author=citizen, data=data(), submission_token=token).grievance
    second = grievance_submit(author=citizen, data=data(), submission_token=token).grievance
    assert first.pk == second.pk and Grievance.objects.count() == 1


def test_a_field_worker_posts_from_a_visit_of_their_organisation_only():
    org = OrganisationFactory()
    worker = field_worker_of(org)
    visit = visit_create(worker=worker, visited_on=at(2026, 11, 30).date(), place="구로 인력시장")
    g = grievance_submit(author=worker, data=data(visit=visit)).grievance
    assert g.channel == Channel.FIELD and g.organisation_id == org.pk and g.visit_id == visit.pk
    other_visit = FieldVisitFactory()  # another organisation's
    with pytest.raises(ValidationError):
        grievance_submit(author=worker, data=data(visit=other_visit))


def test_a_citizen_cannot_post_on_behalf_nor_record_a_visit():
    citizen = UserFactory()
    with pytest.raises(PermissionDenied):
        grievance_submit(author=citizen, data=data(), proxy=True)
    with pytest.raises(PermissionDenied):
        visit_create(worker=citizen, visited_on=at(2026, 11, 30).date(), place="시장")


def test_a_moderator_posts_only_on_someones_behalf():
    staff = moderator()
    with pytest.raises(PermissionDenied):
        grievance_submit(author=staff, data=data())
    result = grievance_submit(author=staff, data=data(), proxy=True)
    assert result.grievance.channel == Channel.PROXY and result.receipt_code


def test_proxy_posts_get_a_receipt_code_stored_only_as_a_digest():
    worker = field_worker_of()
    result = grievance_submit(author=worker, data=data(on_behalf=True))
    code = result.receipt_code
    g = Grievance.objects.get(pk=result.grievance.pk)
    assert code and code not in (g.receipt_code_digest or "") and len(g.receipt_code_digest) == 64
    typed = " " + code.lower().replace("-", " ") + " "
    assert grievance_for_receipt_code(code=typed).pk == g.pk
    assert grievance_for_receipt_code(code="ABCDE-FGHJK") is None
    assert grievance_for_receipt_code(code="") is None


def test_a_draft_is_not_screened_nor_received_until_submitted():
    citizen = UserFactory()
    draft = grievance_save_draft(author=citizen, data=data(title="작성 중"))
    assert draft.status == GrievanceStatus.DRAFT and draft.received_at is None
    assert not ScreeningCase.objects.for_item(draft).exists()
    assert not Grievance.objects.public().filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        grievance_save_draft(author=UserFactory(), data=data(), grievance=draft)
    g = grievance_submit(author=citizen, data=data(title="다 썼습니다"), grievance=draft).grievance
    assert g.pk == draft.pk and g.status == GrievanceStatus.RECEIVED and g.reference.startswith("F")


# ---- the answer clock -----------------------------------------------------------------------------


def test_the_deadline_counts_the_day_of_receipt_and_skips_chuseok_and_weekends():
    # 2026-09-23 (Wed) counted; 24–26 추석, 27 Sunday, 28–10/2 five days, 3 개천절 (Sat),
    # 4 Sunday, 5 대체공휴일 → the seventh working day is 10월 6일.
    g = submitted(now=at(2026, 9, 23, 10))
    due = g.due_at.astimezone(SEOUL)
    assert due.date() == at(2026, 10, 6).date()


def test_a_suggestion_has_fourteen_working_days():
    g = submitted(now=at(2026, 12, 1, 9), kind=GrievanceKind.SUGGESTION)
    # December 2026: 1 (Tue) … 14 working days, 25 (Fri) 성탄절 not before → 12월 18일 (Fri).
    assert g.due_at.astimezone(SEOUL).date() == at(2026, 12, 18).date()


def test_extension_once_within_the_original_period_with_a_reason(dept):
    g = submitted(now=at(2026, 11, 2, 10))
    member = department_member(dept)
    grievance_assign(grievance=g, department=dept, actor=moderator())
    with pytest.raises(ValidationError):
        grievance_extend(grievance=g, days=8, reason="현장 확인 필요", actor=member)  # more than 7
    with pytest.raises(ValidationError):
        grievance_extend(grievance=g, days=3, reason="  ", actor=member)
    before = Grievance.objects.get(pk=g.pk).due_at
    g = grievance_extend(grievance=g, days=3, reason="관계 기관 협의가 필요합니다", actor=member)
    assert g.due_at > before and g.original_due_at == before
    assert g.events.filter(kind=EventKind.EXTENDED, message__contains="협의").exists()
    with pytest.raises(ValidationError):
        grievance_extend(grievance=g, days=1, reason="한 번 더", actor=member)


def test_transfer_keeps_the_clock_and_both_departments_in_the_history(dept, other_dept):
    g = submitted(now=at(2026, 11, 2, 10))
    grievance_assign(grievance=g, department=dept, actor=moderator())
    first, second = department_member(dept), department_member(other_dept)
    due = Grievance.objects.get(pk=g.pk).due_at
    g = grievance_transfer(grievance=g, department=other_dept, reason="소관 부서가 아닙니다", actor=first)
    assert g.status == GrievanceStatus.TRANSFERRED and g.due_at == due
    event = g.events.get(kind=EventKind.TRANSFERRED)
    assert (event.from_department, event.to_department) == (dept, other_dept)
    with pytest.raises(PermissionDenied):  # the old department no longer answers it
        grievance_answer(grievance=g, answer="답변", actor=first)
    grievance_start(grievance=g, actor=second)
    assert grievance_answer(grievance=g, answer="쉼터 설치를 검토하겠습니다.", actor=second).status == (
        GrievanceStatus.ANSWERED
    )


def test_hand_over_closes_the_post_here_with_the_agency_and_reason(dept):
    g = submitted()
    grievance_assign(grievance=g, department=dept, actor=moderator())
    g = grievance_hand_over(
        grievance=g, agency="서울지방고용노동청", reason="임금 체불은 노동청 소관입니다", actor=department_member(dept)
    )
    assert g.status == GrievanceStatus.HANDED_OVER and g.open311_status == "closed"
    assert g.handed_over_to == "서울지방고용노동청" and g.closed_at


# ---- permissions ----------------------------------------------------------------------------------


def test_only_staff_route_and_a_department_answers_only_its_own_posts(dept, other_dept):
    g = submitted()
    member = department_member(dept)
    with pytest.raises(PermissionDenied):
        grievance_assign(grievance=g, department=dept, actor=member)
    with pytest.raises(PermissionDenied):
        grievance_assign(grievance=g, department=dept, actor=field_worker_of())
    grievance_assign(grievance=g, department=dept, actor=moderator())
    with pytest.raises(PermissionDenied):
        grievance_answer(grievance=g, answer="남의 부서 답변", actor=department_member(other_dept))
    with pytest.raises(PermissionDenied):
        grievance_answer(grievance=g, answer="작성자 답변", actor=g.author)


# ---- answers, ratings, re-answers --------------------------------------------------------------------


def test_answer_is_masked_on_time_rated_by_the_poster_and_reopened_once(dept, django_capture_on_commit_callbacks):
    citizen = UserFactory()
    follower = UserFactory()
    g = submitted(citizen, now=at(2026, 11, 2, 10))
    follow(user=follower, target=g)
    member = department_member(dept)
    grievance_assign(grievance=g, department=dept, actor=moderator())
    mail.outbox.clear()
    with time_machine.travel(at(2026, 11, 4, 15)), django_capture_on_commit_callbacks(execute=True):
        g = grievance_answer(grievance=g, answer="담당자 010-9876-5432, 다산콜 120으로 문의하세요.", actor=member)
    assert "5432" not in g.answer_public and "120" in g.answer_public
    assert g.answered_on_time is True
    # The poster and the follower, once each, by e-mail and in 내 활동; never the department member.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, follower.email])
    assert Notification.objects.filter(subject__contains="답변이 등록").count() == 2
    with pytest.raises(PermissionDenied):
        grievance_rate(grievance=g, rating=Rating.SATISFIED, actor=UserFactory())
    with pytest.raises(ValidationError):
        grievance_rate(grievance=g, rating="great", actor=citizen)
    g = grievance_rate(grievance=g, rating=Rating.DISSATISFIED, comment="구체적인 일정이 없습니다", actor=citizen)
    with pytest.raises(ValidationError):
        grievance_rate(grievance=g, rating=Rating.SATISFIED, actor=citizen)
    with time_machine.travel(at(2026, 11, 9, 9)):
        g = grievance_request_reanswer(grievance=g, reason="설치 일정을 알려 주세요", actor=citizen)
    assert g.status == GrievanceStatus.IN_PROGRESS and g.rating == ""
    assert g.due_at.astimezone(SEOUL).date() == at(2026, 11, 17).date()  # 7 working days from 11/9 (Mon)
    g = grievance_answer(grievance=g, answer="내년 3월 설치합니다.", actor=member)
    with pytest.raises(ValidationError):
        grievance_request_reanswer(grievance=g, reason="한 번 더", actor=citizen)


def test_a_late_answer_is_counted_late(dept):
    g = submitted(now=at(2026, 11, 2, 10))
    grievance_assign(grievance=g, department=dept, actor=moderator())
    with time_machine.travel(at(2026, 11, 12, 9)):  # due 11/10
        g = grievance_answer(grievance=g, answer="늦어서 죄송합니다.", actor=department_member(dept))
    assert g.answered_on_time is False


def test_the_person_met_in_the_field_rates_with_the_receipt_code_not_the_field_worker(dept):
    worker = field_worker_of()
    result = grievance_submit(author=worker, data=data(), proxy=True)
    g = result.grievance
    grievance_assign(grievance=g, department=dept, actor=moderator())
    g = grievance_answer(grievance=g, answer="다음 달 점검하겠습니다.", actor=department_member(dept))
    with pytest.raises(PermissionDenied):
        grievance_rate(grievance=g, rating=Rating.SATISFIED, actor=worker)
    with pytest.raises(PermissionDenied):
        grievance_rate(grievance=g, rating=Rating.SATISFIED, receipt_code="AAAAA-BBBBB")
    g = grievance_rate(grievance=g, rating=Rating.SATISFIED, receipt_code=result.receipt_code.lower())
    assert g.rating == Rating.SATISFIED


def test_merging_closes_the_post_as_duplicate_and_its_poster_follows_the_earlier_one(dept):
    first, second = submitted(), submitted()
    grievance_assign(grievance=second, department=dept, actor=moderator())
    merged = grievance_merge(grievance=second, into=first, actor=department_member(dept), reason="같은 차고지 건")
    assert merged.status == GrievanceStatus.DUPLICATE and merged.merged_into_id == first.pk
    assert is_following(user=second.author, target=first)
    with pytest.raises(ValidationError):
        grievance_merge(grievance=first, into=first, actor=moderator(), reason="자기 자신")
