"""Parallel submits of the same sheet make one sheet, not two (SQLite IMMEDIATE transactions).

The test database is SQLite's shared-cache in-memory database, which answers "database table is
locked" at once instead of waiting out the busy timeout the file database has; the workers retry
that error, which is what the busy timeout does in production.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from moderation.review.choices import SheetStatus
from moderation.review.models import Assignment, CriterionScore, ScoreSheet
from moderation.review.services import review_assign, review_score_save, review_score_submit

from .factories import make_entries, make_panel


@pytest.fixture(autouse=True)
def _page_tree_root():
    """Transactional tests start from a flushed database: give Wagtail its locale and root page back
    (cheaper than serialized_rollback, which serialises the whole database for every test run)."""
    from wagtail.models import Locale, Page

    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code="ko")
        Page.add_root(instance=Page(title="Root", slug="root"))


def _run_in_threads(n, target):
    outcomes, barrier = [], threading.Barrier(n)

    def worker(i):
        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    outcomes.append(("ok", target(i)))
                    break
                except OperationalError as e:
                    if "locked" not in str(e):
                        raise
                    time.sleep(0.01)
        except ValidationError as e:
            outcomes.append(("refused", e))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(("error", e))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_parallel_submits_of_one_sheet_store_exactly_one_submitted_sheet():
    panel = make_panel(n_reviewers=2, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=1)
    a = Assignment.objects.get()
    criteria = list(panel.criteria.all())

    outcomes = _run_in_threads(
        4,
        lambda i: review_score_submit(assignment=a, reviewer=a.reviewer, values={c.pk: 5 + i for c in criteria}).pk,
    )
    kinds = sorted(k for k, _v in outcomes)
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 3
    assert ScoreSheet.objects.count() == 1
    sheet = ScoreSheet.objects.get()
    assert sheet.status == SheetStatus.SUBMITTED
    assert CriterionScore.objects.filter(sheet=sheet).count() == len(criteria)
    assert len(set(CriterionScore.objects.filter(sheet=sheet).values_list("value", flat=True))) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_draft_saves_of_one_sheet_store_one_sheet():
    panel = make_panel(n_reviewers=2, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=1)
    a = Assignment.objects.get()
    first = panel.criteria.first()
    outcomes = _run_in_threads(
        4, lambda i: review_score_save(assignment=a, reviewer=a.reviewer, values={first.pk: i + 1}).pk
    )
    assert [k for k, _v in outcomes] == ["ok"] * 4, outcomes
    assert ScoreSheet.objects.count() == 1
    assert CriterionScore.objects.filter(sheet__assignment=a, criterion=first).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_objections_on_one_entry_store_exactly_one():
    """이의신청 once: four parallel filings by the author give one objection and three Korean refusals
    (on PostgreSQL the idea row lock makes the others wait and then see it; the unique constraint
    backs it everywhere)."""
    from moderation.review.models import Objection
    from moderation.review.services import review_objection_file

    from .factories import make_published_results

    _panel, (_won, lost) = make_published_results()
    outcomes = _run_in_threads(
        4, lambda i: review_objection_file(idea=lost, author=lost.author, reason=f"다시 심사해 주세요 {i}").pk
    )
    kinds = sorted(k for k, _v in outcomes)
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 3, outcomes
    assert all("이미 이의신청" in " ".join(v.messages) for k, v in outcomes if k == "refused")
    assert Objection.objects.count() == 1
