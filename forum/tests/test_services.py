"""Posting windows, roles, screening, quotas, 공감, sign-ups and the summary's notifications."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from core.audit import AuditContext
from core.follow import follow
from core.models import Notification
from forum import services
from forum.choices import ParticipantRole, SignupStatus
from forum.models import MeetingSignup, Opinion, OpinionSupport
from forum.tests.factories import expert, make_opinion, make_topic
from ideas.tests.factories import UserFactory, field_worker, site_admin

pytestmark = pytest.mark.django_db


def _post(topic, user, body="청년이 일할 공간이 더 필요합니다.", **kw):
    return services.opinion_post(topic=topic, author=user, body=body, position=kw.pop("position", "for"), **kw)


def test_opinions_are_taken_only_inside_the_topic_window():
    topic = make_topic(state="open")
    user = UserFactory()
    with time_machine.travel(topic.opens_at - timedelta(seconds=1), tick=False):
        with pytest.raises(PermissionDenied, match="의견을 올릴 수 없습니다"):
            _post(topic, user)
    with time_machine.travel(topic.opens_at, tick=False):
        assert _post(topic, user).is_public
    with time_machine.travel(topic.closes_at - timedelta(seconds=1), tick=False):
        assert _post(topic, user, body="마감 직전에 올리는 다른 의견입니다.").is_public
    with time_machine.travel(topic.closes_at, tick=False):
        with pytest.raises(PermissionDenied):
            _post(topic, user, body="마감 뒤의 의견입니다.")


def test_posting_needs_privacy_consent():
    topic = make_topic()
    with pytest.raises(PermissionDenied):
        _post(topic, UserFactory(privacy_consent_at=None))


def test_the_opinion_shows_the_verified_role_of_its_author():
    topic = make_topic()
    assert _post(topic, UserFactory()).author_role == ParticipantRole.CITIZEN
    assert _post(topic, field_worker()).author_role == ParticipantRole.FIELD_WORKER
    op = _post(topic, expert("서울연구원"))
    assert (op.author_role, op.author_affiliation) == (ParticipantRole.EXPERT, "서울연구원")


def test_a_resident_registration_number_refuses_the_opinion_and_a_phone_number_is_masked():
    topic = make_topic()
    with pytest.raises(ValidationError):
        _post(topic, UserFactory(), body="제 주민번호는 900101-1234567 입니다.")
    assert not Opinion.objects.exists()
    op = _post(topic, UserFactory(), body="연락은 010-1234-5678 로 주세요. 청년 공간이 필요합니다.")
    assert (
        "010-1234-5678" not in op.body_public and op.body == "연락은 010-1234-5678 로 주세요. 청년 공간이 필요합니다."
    )


def test_a_premoderated_topic_holds_opinions_for_a_moderator():
    topic = make_topic(moderation_mode="all")
    assert not _post(topic, UserFactory()).is_public


def test_replies_are_one_level_deep_and_carry_no_position():
    topic = make_topic()
    parent = _post(topic, UserFactory())
    reply = services.opinion_post(topic=topic, author=UserFactory(), body="좋은 의견입니다. 동의합니다.", parent=parent)
    assert reply.parent_id == parent.pk and reply.position == ""
    with pytest.raises(PermissionDenied):
        services.opinion_post(topic=topic, author=UserFactory(), body="답글의 답글입니다.", parent=reply)


def test_a_position_must_be_chosen():
    with pytest.raises(ValidationError) as e:
        _post(make_topic(), UserFactory(), position="maybe")
    assert "입장을 골라" in str(e.value)


@override_settings(FORUM_OPINION_LIMITS={"user": (2, 3600), "ip": (100, 3600)})
def test_opinions_are_rate_limited_per_account():
    from django.core.cache import cache

    cache.clear()
    topic, user = make_topic(), UserFactory()
    ctx = AuditContext(ip="203.0.113.9")
    _post(topic, user, body="첫 번째 의견입니다. 청년 공간.", context=ctx)
    _post(topic, user, body="두 번째 의견입니다. 돌봄 일자리.", context=ctx)
    with pytest.raises(services.RateLimited, match="너무 많이"):
        _post(topic, user, body="세 번째 의견입니다. 어르신 일자리.", context=ctx)
    assert Opinion.objects.filter(author=user).count() == 2


def test_support_once_per_person_and_never_ones_own():
    topic = make_topic()
    op = make_opinion(topic)
    fan = UserFactory()
    assert services.opinion_support(opinion=op, user=fan) is True
    assert services.opinion_support(opinion=op, user=fan) is False
    op.refresh_from_db()
    assert op.support_count == 1 == OpinionSupport.objects.filter(opinion=op).count()
    with pytest.raises(PermissionDenied, match="자신의 의견"):
        services.opinion_support(opinion=op, user=op.author)
    assert services.opinion_unsupport(opinion=op, user=fan) is True
    op.refresh_from_db()
    assert op.support_count == 0


def test_staff_only_topics_refuse_citizens():
    topic = make_topic(audience="staff")
    with pytest.raises(PermissionDenied):
        _post(topic, UserFactory())
    assert _post(topic, UserFactory(is_staff=True)).author_role == ParticipantRole.STAFF


def test_signups_fill_the_capacity_then_wait_and_a_cancellation_promotes_the_first_waiting(
    django_capture_on_commit_callbacks,
):
    topic = make_topic(capacity=2)
    a, b, c, d = (UserFactory() for _ in range(4))
    assert [services.meeting_signup(topic=topic, user=u).status for u in (a, b, c, d)] == [
        SignupStatus.CONFIRMED,
        SignupStatus.CONFIRMED,
        SignupStatus.WAITING,
        SignupStatus.WAITING,
    ]
    assert services.meeting_signup(topic=topic, user=a).status == SignupStatus.CONFIRMED  # twice: the same
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.meeting_cancel(topic=topic, user=b)
    assert promoted.user == c
    assert MeetingSignup.objects.get(user=c).status == SignupStatus.CONFIRMED
    assert MeetingSignup.objects.get(user=d).status == SignupStatus.WAITING
    assert Notification.objects.filter(user=c, subject__contains="참가가 확정").count() == 1
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert services.meeting_cancel(topic=topic, user=d) is None  # a waiting person frees no seat


def test_the_summary_needs_a_closed_topic_and_staff_and_publishing_notifies_followers_once():
    open_topic = make_topic()
    staff = site_admin()
    with pytest.raises(ValidationError, match="의견 접수가 끝난 뒤"):
        services.topic_summary_build(topic=open_topic, actor=staff)
    topic = make_topic(state="closed")
    make_opinion(topic, body="청년 창업 공간을 늘려야 합니다. 임대료 지원이 필요합니다.")
    with pytest.raises(PermissionDenied):
        services.topic_summary_build(topic=topic, actor=UserFactory())
    fan, other = UserFactory(), UserFactory()
    follow(user=fan, target=topic)
    services.topic_summary_build(topic=topic, actor=staff, tokenizer=str.split)
    assert not Notification.objects.filter(user=fan).exists()
    services.topic_summary_publish(topic=topic, actor=staff)
    services.topic_summary_publish(topic=topic, actor=staff)
    assert Notification.objects.filter(user=fan, subject__contains="토론 결과").count() == 1
    assert not Notification.objects.filter(user=other).exists()
