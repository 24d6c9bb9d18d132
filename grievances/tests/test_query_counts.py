"""The board, a post's page and 내 활동 run a constant number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from grievances.services import grievance_interim
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, field_worker_of
from ideas.tests.factories import PolicyTrackFactory, moderator

pytestmark = pytest.mark.django_db


def _count(client, url, params=None) -> int:
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
    g = GrievanceFactory()
    mod = moderator()
    grievance_interim(grievance=g, message="조사 중입니다", actor=mod)
    few = _count(client, g.get_absolute_url())
    for n in range(6):
        grievance_interim(grievance=g, message=f"진행 {n}", actor=mod)
    assert _count(client, g.get_absolute_url()) == few


def test_my_activity_does_not_grow_with_the_posts(client):
    worker = field_worker_of()
    client.force_login(worker)
    _posts(2, author=worker)
    few = _count(client, "/field/me/")
    _posts(7, author=worker)
    Notification.objects.bulk_create([Notification(user=worker, subject=f"알림 {n}") for n in range(5)])
    assert _count(client, "/field/me/") == few
