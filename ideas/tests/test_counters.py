"""The stored 공감 count: kept right by the services, under parallel clicks, and by reconcile_counts."""

import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client

from ideas import services
from ideas.counters import support_counts_reconcile
from ideas.models import Idea, Support
from ideas.tests.factories import IdeaFactory, UserFactory


def stored(idea) -> int:
    return Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)


def test_support_and_its_removal_change_the_stored_count_both_ways(db):
    idea = IdeaFactory()
    fans = [UserFactory() for _ in range(3)]
    for fan in fans:
        assert services.idea_support(idea=idea, user=fan) is True
    assert services.idea_support(idea=idea, user=fans[0]) is False  # a second click counts nothing
    assert stored(idea) == 3
    assert services.idea_unsupport(idea=idea, user=fans[1]) is True
    assert services.idea_unsupport(idea=idea, user=fans[1]) is False  # nothing left to take back
    assert stored(idea) == 2 == Support.objects.filter(idea=idea).count()


def test_closing_an_account_takes_its_supports_off_the_counts(db):
    ideas = [IdeaFactory(), IdeaFactory()]
    leaver, stayer = UserFactory(), UserFactory()
    for idea in ideas:
        services.idea_support(idea=idea, user=leaver)
    services.idea_support(idea=ideas[0], user=stayer)
    services.user_withdraw(user=leaver)
    assert [stored(i) for i in ideas] == [1, 0]


def test_support_json_answers_the_stored_count(db):
    idea = IdeaFactory()
    c = Client()
    c.force_login(UserFactory())
    r = c.post(f"/ideas/{idea.reference}/support/", HTTP_ACCEPT="application/json")
    assert r.json()["support_count"] == 1
    r = c.post(f"/ideas/{idea.reference}/support/", {"action": "remove"}, HTTP_ACCEPT="application/json")
    assert r.json()["support_count"] == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_supports_and_removals_by_many_people_leave_the_count_equal_to_the_rows():
    idea = IdeaFactory()
    fans = [UserFactory() for _ in range(16)]
    leaving = fans[:4]
    for fan in leaving:  # these four supported earlier and take it back during the rush
        services.idea_support(idea=idea, user=fan)
    barrier = threading.Barrier(len(fans) + len(leaving), timeout=30)
    errors = []

    def click(user, action):
        c = Client()
        c.force_login(user)
        try:
            barrier.wait()
            r = c.post(f"/ideas/{idea.reference}/support/", {"action": action}, HTTP_ACCEPT="application/json")
            if r.status_code != 200:
                errors.append(r.status_code)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    jobs = [(f, "add") for f in fans[4:]] + [(f, "add") for f in leaving] + [(f, "remove") for f in leaving]
    threads = [threading.Thread(target=click, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    rows = Support.objects.filter(idea=idea).count()
    assert 12 <= rows <= 16
    assert stored(idea) == rows


def test_reconcile_counts_repairs_counts_written_around_the_services_and_is_idempotent(db, capsys):
    a, b = IdeaFactory(), IdeaFactory()
    Support.objects.bulk_create([Support(idea=a, user=UserFactory()) for _ in range(3)])
    Idea.objects.filter(pk=b.pk).update(support_count=7)  # e.g. a user deleted in the admin
    assert support_counts_reconcile(batch_size=1) == 2
    assert (stored(a), stored(b)) == (3, 0)
    call_command("reconcile_counts")
    assert "0개" in capsys.readouterr().out
    assert (stored(a), stored(b)) == (3, 0)


def test_merging_a_duplicate_counts_the_supports_it_brings(db):
    from ideas.tests.factories import make_contest
    from moderation.services import screening_approve, screening_merge
    from moderation.tests.factories import staff_moderator, submit

    contest, mod = make_contest("submission"), staff_moderator()
    original = submit(contest, title="원래 아이디어")
    screening_approve(item=original, actor=mod)
    duplicate = submit(contest, title="같은 아이디어")
    both, only_dup = UserFactory(), UserFactory()
    Support.objects.bulk_create([Support(idea=duplicate, user=both), Support(idea=duplicate, user=only_dup)])
    services.idea_support(idea=Idea.objects.get(pk=original.pk), user=both)
    screening_merge(item=duplicate, into=original, actor=mod, note="같은 내용")
    assert stored(original) == 2
