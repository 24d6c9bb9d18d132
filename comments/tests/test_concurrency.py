"""Parallel follow clicks and parallel announcements: the database, not the application, decides."""

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from comments.models import Comment
from comments.services import comment_announce
from core.models import Follow, Notification
from ideas.tests.factories import IdeaFactory, UserFactory

from .factories import CommentFactory


def _parallel(n, work):
    barrier = threading.Barrier(n, timeout=30)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_follow_clicks_by_one_person_make_one_follow():
    idea = IdeaFactory()
    fan = UserFactory()
    clients = []
    for _ in range(10):
        c = Client()
        c.force_login(fan)
        clients.append(c)
    codes, errors = _parallel(
        10, lambda i: clients[i].post(f"/follow/ideas.idea/{idea.pk}/", HTTP_ACCEPT="application/json").status_code
    )
    assert errors == [] and codes == [200] * 10
    assert Follow.objects.filter(user=fan).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_comment_published_twice_in_parallel_is_announced_once():
    idea = IdeaFactory()
    comment = CommentFactory(target=idea)
    done, errors = _parallel(5, lambda i: comment_announce(comment=Comment.objects.get(pk=comment.pk)))
    assert errors == []
    assert sorted(done) == [0, 0, 0, 0, 1]
    assert Notification.objects.filter(user=idea.author).count() == 1
