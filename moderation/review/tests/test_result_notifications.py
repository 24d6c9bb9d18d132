"""The review's results reach each entry's author through `core.notify`: one "심사 결과" line in 내 알림
and an e-mail as the author chose (at once, in the daily digest, or never)."""

import pytest
from django.core import mail

from core.models import EmailFrequency, Notification
from core.notify import notification_digest_send, notification_setting_set
from ideas.tests.factories import moderator
from moderation.review.choices import Tier
from moderation.review.services import review_decide, review_results_publish

from .test_services import _move_to, _scored_panel

pytestmark = pytest.mark.django_db


def test_results_follow_each_authors_email_setting(django_capture_on_commit_callbacks):
    staff = moderator()
    panel, (good, weak) = _scored_panel()
    notification_setting_set(user=good.author, email=EmailFrequency.NEVER)
    notification_setting_set(user=weak.author, email=EmailFrequency.DAILY)
    _move_to(panel.contest, "deliberation")
    review_decide(idea=good, tier=Tier.GRAND, public_answer="2027년 시범 사업으로 추진합니다.", actor=staff)
    review_decide(idea=weak, tier=Tier.NOT_SELECTED, actor=staff)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_results_publish(contest=panel.contest, actor=staff)
    assert mail.outbox == []  # "never" gets nothing, "daily" waits for the digest
    (never,) = Notification.objects.filter(user=good.author)
    assert "심사 결과" in never.subject and "대상" in never.message and "2027년 시범 사업" in never.message
    assert never.emailed_at is None and not never.email_pending
    (daily,) = Notification.objects.filter(user=weak.author)
    assert daily.email_pending and "심사 결과" in daily.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send() == 1
    (digest,) = mail.outbox
    assert digest.to == [weak.author.email] and daily.subject in digest.body


def test_an_author_who_wants_mail_at_once_gets_the_result_with_unsubscribe_links(django_capture_on_commit_callbacks):
    staff = moderator()
    panel, (good, weak) = _scored_panel()
    _move_to(panel.contest, "deliberation")
    review_decide(idea=good, tier=Tier.GRAND, actor=staff)
    review_decide(idea=weak, tier=Tier.NOT_SELECTED, actor=staff)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_results_publish(contest=panel.contest, actor=staff)
    by_author = {m.to[0]: m for m in mail.outbox}
    assert set(by_author) == {good.author.email, weak.author.email}  # one mail each, no second one
    assert "대상" in by_author[good.author.email].body and "unsubscribe" in by_author[good.author.email].body
    assert Notification.objects.filter(user=good.author, subject__contains="심사 결과").count() == 1
    assert Notification.objects.filter(user=good.author).count() == 1
