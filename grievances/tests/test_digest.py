"""The weekly digest: Korean e-mail per department (its address and members) of overdue and soon-due
posts, with admin links; once per week; --dry-run sends nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from core.models import AuditEntry
from grievances.choices import GrievanceStatus
from grievances.digest import grievance_digest_send, week_key
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
# Monday 7 December 2026, 08:00 in Seoul (no public holiday that week).
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=SEOUL)


def _post(dept, *, due, **kw):
    return GrievanceFactory(department=dept, received_at=due - timedelta(days=10), due_at=due, **kw)


@pytest.fixture
def world():
    jobs = DepartmentFactory(name="일자리정책과", email="jobs@seoul.example.kr")
    quiet = DepartmentFactory(name="조용한과", email="quiet@seoul.example.kr")
    member = department_member(jobs, email="member@seoul.example.kr")
    department_member(jobs, email="gone@seoul.example.kr", is_active=False)
    late = _post(jobs, due=MONDAY - timedelta(days=3), title_public="늦은 글")
    soon = _post(jobs, due=datetime(2026, 12, 9, 23, 59, tzinfo=SEOUL), title_public="곧 마감 글")
    _post(jobs, due=MONDAY + timedelta(days=20), title_public="먼 글")
    _post(jobs, due=MONDAY - timedelta(days=3), status=GrievanceStatus.ANSWERED, title_public="답한 글")
    _post(quiet, due=MONDAY + timedelta(days=20))
    return {"jobs": jobs, "member": member, "late": late, "soon": soon}


def test_digest_mails_each_department_its_overdue_and_soon_due_posts(world):
    with time_machine.travel(MONDAY, tick=False):
        call_command("grievance_digest", stdout=StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["jobs@seoul.example.kr", "member@seoul.example.kr"]
    assert "일자리정책과" in message.subject and "기한 지남 1건, 임박 1건" in message.subject
    body = message.body
    assert "답변 기한이 지난 글 (1건)" in body and "답변 기한이 다가온 글 (1건)" in body
    assert world["late"].reference in body and world["soon"].reference in body
    assert "먼 글" not in body and "답한 글" not in body
    assert f"/admin/field/posts/{world['late'].reference}/" in body
    assert f"/admin/field/?department={world['jobs'].pk}" in body
    assert "D-2" in body and "일 지남" in body
    entry = AuditEntry.objects.get(action="grievance.digest")
    assert entry.after["week"] == week_key(MONDAY) == "2026-W50"


def test_digest_is_sent_once_a_week(world):
    with time_machine.travel(MONDAY, tick=False):
        assert len(grievance_digest_send()) == 1
        assert grievance_digest_send() == []
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        assert grievance_digest_send() == []
    assert len(mail.outbox) == 1
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        assert len(grievance_digest_send()) == 1
    assert len(mail.outbox) == 2


def test_dry_run_sends_and_records_nothing(world):
    out = StringIO()
    with time_machine.travel(MONDAY, tick=False):
        call_command("grievance_digest", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="grievance.digest").exists()
    assert "일자리정책과 (보낼 예정)" in out.getvalue() and world["late"].reference in out.getvalue()


def test_a_wider_window_lists_more_and_a_bad_one_is_refused(world):
    with time_machine.travel(MONDAY, tick=False):
        call_command("grievance_digest", "--days", "0", stdout=StringIO())
    assert "기한 지남 1건, 임박 0건" in mail.outbox[0].subject
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days"):
        call_command("grievance_digest", "--days", "-1")
