"""Two moderators acting on the same item at once end in one consistent state.

The test database is SQLite in shared-cache memory, which answers "table is locked" at once
instead of waiting like a file database or PostgreSQL; the threads then retry, as a browser
would, and must meet the state check.
"""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections

from core.models import AuditEntry
from moderation.choices import RejectionReason, ScreeningStatus
from moderation.models import ScreeningCase
from moderation.services import ScreeningConflict, screening_approve, screening_reject

from .factories import make_contest, staff_moderator, submit


@pytest.mark.django_db(transaction=True)
def test_parallel_approve_and_reject_end_in_exactly_one_decision():
    contest = make_contest("submission")
    ideas = [submit(contest, title=f"동시 처리 {n}", body=f"서로 다른 내용입니다 {n} " * 4) for n in range(4)]
    first, second = staff_moderator(), staff_moderator()
    results = []

    def act(fn, idea, **kw):
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    fn(item=idea, **kw)
                    results.append((idea.pk, fn.__name__))
                    return
                except ScreeningConflict:
                    results.append((idea.pk, "conflict"))
                    return
                except OperationalError as e:  # shared-cache SQLite: locked, try again
                    assert "locked" in str(e)
                    time.sleep(0.005)
            results.append((idea.pk, "gave up"))
        finally:
            close_old_connections()

    for idea in ideas:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=act, args=(screening_approve, idea), kwargs={"actor": first}),
            threading.Thread(
                target=act, args=(screening_reject, idea), kwargs={"actor": second, "reason": RejectionReason.ABUSE}
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    for idea in ideas:
        outcomes = sorted(r for pk, r in results if pk == idea.pk)
        assert len(outcomes) == 2 and outcomes.count("conflict") == 1, outcomes
        case = ScreeningCase.objects.for_item(idea).get()
        idea.refresh_from_db()
        assert case.status in (ScreeningStatus.APPROVED, ScreeningStatus.REJECTED)
        assert (idea.published_at is not None) == (case.status == ScreeningStatus.APPROVED)
        assert AuditEntry.objects.filter(object_id=str(idea.pk), action__startswith="screening.").count() == 1


def _fire(clients, request):
    """Send one request per client from its own thread, all released at once; the status codes."""
    barrier = threading.Barrier(len(clients), timeout=60)
    codes, errors = [], []

    def go(n, client):
        try:
            barrier.wait()
            codes.append(request(n, client).status_code)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=go, args=(n, c)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    return codes


def _idea_form(contest, n):
    return {
        "title": f"동시 제출 아이디어 {n}",
        "summary": "빈 점포를 창업 공간으로 바꿉니다.",
        "body": f"서로 다른 본문 {n}번: 구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다.",
        "track": contest.tracks.first().slug,
        "target_group": "youth",
        "district": "mapo",
    }


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_submissions_by_one_account_create_exactly_the_quota_of_five():
    from django.core.cache import cache
    from django.test import Client

    from ideas.models import Idea

    from .factories import UserFactory

    cache.clear()
    contest = make_contest("submission")
    author = UserFactory()
    clients = []
    for _ in range(50):
        c = Client()
        c.force_login(author)
        clients.append(c)
    url = contest.url + "submit/"
    codes = _fire(clients, lambda n, c: c.post(url, _idea_form(contest, n)))
    assert sorted(set(codes)) == [302, 429], codes
    assert codes.count(302) == 5
    assert Idea.objects.filter(author=author).count() == 5


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_with_form_errors_give_their_slot_back():
    from django.core.cache import cache
    from django.test import Client

    from ideas.models import Idea

    from .factories import UserFactory

    cache.clear()
    contest = make_contest("submission")
    author = UserFactory()
    clients = []
    for _ in range(12):
        c = Client()
        c.force_login(author)
        clients.append(c)
    url = contest.url + "submit/"
    codes = _fire(clients, lambda n, c: c.post(url, {**_idea_form(contest, n), "title": ""}))
    # At most five are in flight at once; the others are turned away, none is counted.
    assert set(codes) <= {400, 429} and codes.count(400) >= 5, codes
    for n in range(5):
        assert clients[n].post(url, _idea_form(contest, 100 + n)).status_code == 302
    assert clients[5].post(url, _idea_form(contest, 200)).status_code == 429
    assert Idea.objects.filter(author=author).count() == 5
