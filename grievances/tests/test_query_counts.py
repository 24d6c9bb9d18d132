"""The board, a post's page and 내 활동 run a constant number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Notification
from grievances.choices import EventKind
from grievances.models import GrievanceEvent
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, field_worker_of
from ideas.tests.factories import PolicyTrackFactory, moderator

pytestmark = pytest.mark.django_db


def _count(client, url, params=None) -> int:
    client.get(url, params or {})  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _posts(n, **kw):
    dept, track = DepartmentFactory(), PolicyTrackFactory()
    return [GrievanceFactory(department=dept, track=track, answer_public="답변", **kw) for _ in range(n)]


@pytest.mark.parametrize("params", [{}, {"q": "휴게"}, {"overdue": "on", "kind": "difficulty"}])
def test_the_board_does_not_grow_with_the_page(client, params):
    _posts(2)
    few = _count(client, "/field/", params)
    _posts(9)
    assert _count(client, "/field/", params) == few


def test_a_posts_page_does_not_grow_with_its_history(client):
    first, second = DepartmentFactory(), DepartmentFactory()
    g = GrievanceFactory(department=second)
    mod = moderator()

    def event(kind, **kw):
        GrievanceEvent.objects.create(grievance=g, kind=kind, actor=mod, created_at=timezone.now(), **kw)

    event(EventKind.INTERIM, message="조사 중입니다")
    few = _count(client, g.get_absolute_url())
    for n in range(3):
        event(EventKind.INTERIM, message=f"진행 {n}")
        event(EventKind.TRANSFERRED, from_department=first, to_department=second, message="이관")
    assert _count(client, g.get_absolute_url()) == few


def test_my_activity_does_not_grow_with_the_posts(client):
    worker = field_worker_of()
    client.force_login(worker)
    _posts(2, author=worker)
    few = _count(client, "/field/me/")
    _posts(7, author=worker)
    Notification.objects.bulk_create([Notification(user=worker, subject=f"알림 {n}") for n in range(5)])
    assert _count(client, "/field/me/") == few
