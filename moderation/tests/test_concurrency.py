"""Two moderators acting on the same item at once end in one consistent state.

The test database is SQLite in shared-cache memory, which answers "table is locked" at once
instead of waiting like a file database or PostgreSQL; the threads then retry, as a browser
would, and must meet the state check.
"""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections

from moderation.choices import RejectionReason, ScreeningStatus
from moderation.models import AuditEntry, ScreeningCase
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
