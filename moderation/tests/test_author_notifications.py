"""A moderator's decision reaches its author through `core.notify`: one line in 내 알림 per decision and
an e-mail as the author chose — at once (with the unsubscribe links), in the daily digest, or never."""

import pytest
from django.core import mail

from core.models import EmailFrequency, Notification
from core.notify import notification_digest_send, notification_setting_set
from moderation.choices import RejectionReason
from moderation.services import (
    report_create,
    report_resolve,
    screening_approve,
    screening_reject,
    screening_request_changes,
)

from .factories import HOSTILE, IdeaFactory, UserFactory, established_user, make_contest, staff_moderator, submit

pytestmark = pytest.mark.django_db


def _author(frequency):
    user = UserFactory()
    notification_setting_set(user=user, email=frequency)
    return user


def test_an_approval_is_one_feed_line_and_one_mail_with_unsubscribe_links(contest, django_capture_on_commit_callbacks):
    author = _author(EmailFrequency.IMMEDIATELY)
    idea = submit(contest, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        screening_approve(item=idea, actor=staff_moderator())
    line = Notification.objects.get(user=author)
    assert "공개되었습니다" in line.subject and line.url == idea.get_absolute_url()
    assert line.emailed_at is not None and line.object_id == str(idea.pk)
    (message,) = mail.outbox
    assert message.to == [author.email] and "검토를 통과해 공개되었습니다" in message.body
    assert "unsubscribe" in message.body and "List-Unsubscribe" in message.extra_headers


def test_an_author_who_wants_no_mail_sees_the_rejection_only_in_the_feed(contest, django_capture_on_commit_callbacks):
    author = _author(EmailFrequency.NEVER)
    idea = submit(contest, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        screening_reject(item=idea, actor=staff_moderator(), reason=RejectionReason.OTHER, note=f"{HOSTILE} 이유")
    assert mail.outbox == []
    # One line for the decision (the status change to 반려 does not add a second one).
    (line,) = Notification.objects.filter(user=author)
    assert "반려" in line.subject and HOSTILE in line.message and line.emailed_at is None
    assert not line.email_pending


def test_a_daily_digest_author_gets_the_change_request_in_the_digest_once(contest, django_capture_on_commit_callbacks):
    author = _author(EmailFrequency.DAILY)
    idea = submit(contest, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        screening_request_changes(item=idea, actor=staff_moderator(), note="연락처를 지워 주세요")
    assert mail.outbox == []
    line = Notification.objects.get(user=author)
    assert line.email_pending and "수정을 요청드립니다" in line.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send() == 1
    (digest,) = mail.outbox
    assert digest.to == [author.email] and line.subject in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send() == 0


def test_an_upheld_report_is_told_to_the_author_as_the_feed_and_mail_allow(django_capture_on_commit_callbacks):
    author = _author(EmailFrequency.NEVER)
    idea = IdeaFactory(contest=make_contest("submission"), author=author)
    report_create(item=idea, reporter=established_user(), reason="abuse")
    with django_capture_on_commit_callbacks(execute=True):
        report_resolve(item=idea, actor=staff_moderator(), decision="uphold", reason=RejectionReason.ABUSE)
    assert mail.outbox == []
    (line,) = Notification.objects.filter(user=author)
    assert "비공개 처리" in line.subject and line.emailed_at is None
