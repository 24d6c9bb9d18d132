"""Followers and the author hear of an idea's status changes and official answers, once each."""

import pytest
from django.core import mail

from core.follow import follow
from core.models import Notification
from ideas.choices import IdeaStatus
from ideas.services import idea_change_status
from ideas.tests.factories import IdeaFactory, UserFactory, moderator

pytestmark = pytest.mark.django_db


def test_a_status_change_with_an_answer_tells_the_author_and_each_follower_once(django_capture_on_commit_callbacks):
    idea = IdeaFactory(status=IdeaStatus.REVIEWING)
    followers = [UserFactory(), UserFactory()]
    for user in [*followers, idea.author]:
        follow(user=user, target=idea)
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(
            idea=idea, to_status=IdeaStatus.SELECTED, actor=moderator(), official_answer="축하드립니다. 02-120"
        )
    rows = list(Notification.objects.order_by("user_id").values_list("user_id", "message"))
    assert [r[0] for r in rows] == sorted(f.pk for f in followers)
    assert all("'선정'" in m and "서울시 답변이 등록되었습니다" in m for _u, m in rows)
    # The author hears of the results by the review's own notification (moderation.review): no second
    # line or mail here.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f.email for f in followers)


def test_a_withdrawn_or_rejected_idea_is_news_only_for_its_author():
    idea = IdeaFactory(status=IdeaStatus.SUBMITTED)
    follower = UserFactory()
    follow(user=follower, target=idea)
    # The rejection itself is told to its author by the moderator's decision (moderation's
    # `_notify_author`), once; the status change tells nobody else.
    idea_change_status(idea=idea, to_status=IdeaStatus.REJECTED, actor=moderator(), reason="중복")
    assert not Notification.objects.exists()
