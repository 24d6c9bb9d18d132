"""Parallel sign-ups for an offline meeting never exceed its capacity (on PostgreSQL the topic's row is
locked; SQLite takes the write lock at BEGIN)."""

import threading

import pytest
from django.db import close_old_connections

from forum import services
from forum.choices import SignupStatus
from forum.models import MeetingSignup
from forum.tests.factories import make_topic
from ideas.tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_signups_for_three_seats_confirm_three_and_queue_seven():
    topic = make_topic(capacity=3)
    people = [UserFactory() for _ in range(10)]
    barrier = threading.Barrier(len(people), timeout=30)
    errors = []

    def sign_up(user):
        try:
            barrier.wait()
            services.meeting_signup(topic=topic, user=user)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign_up, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert MeetingSignup.objects.filter(topic=topic, status=SignupStatus.CONFIRMED).count() == 3
    assert MeetingSignup.objects.filter(topic=topic, status=SignupStatus.WAITING).count() == 7
