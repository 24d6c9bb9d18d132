"""Parallel requests: the database, not the application, decides."""

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from ideas.models import Support
from ideas.tests.factories import IdeaFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_support_clicks_by_one_person_count_once():
    idea = IdeaFactory()
    fan = UserFactory()
    clients = []
    for _ in range(20):
        c = Client()
        c.force_login(fan)
        clients.append(c)
    barrier = threading.Barrier(20, timeout=30)
    codes, errors = [], []

    def click(client):
        try:
            barrier.wait()
            codes.append(client.post(f"/ideas/{idea.reference}/support/", HTTP_ACCEPT="application/json").status_code)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert codes.count(200) == 20
    assert Support.objects.filter(idea=idea, user=fan).count() == 1
