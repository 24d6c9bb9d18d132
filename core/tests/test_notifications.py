"""Notification e-mail as each user wants it (at once, daily digest, never), the digest command, the
"내 알림" page with its unread badge, and unsubscribe links that work without signing in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.follow import follow, is_following
from core.models import EmailFrequency, Notification, NotificationSetting
from core.notify import notification_setting_set, notify
from core.unsubscribe import unsubscribe_token
from ideas.tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/notifications/unsubscribe/[^\s/]+/")


def three_users():
    now_user, digest_user, never_user = UserFactory(), UserFactory(), UserFactory()
    notification_setting_set(user=digest_user, email=EmailFrequency.DAILY)
    notification_setting_set(user=never_user, email=EmailFrequency.NEVER)
    return now_user, digest_user, never_user


def test_each_user_is_mailed_as_they_chose_and_the_feed_line_is_always_written(django_capture_on_commit_callbacks):
    now_user, digest_user, never_user = three_users()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[now_user, digest_user, never_user], subject="새 댓글", message="내용", url="/x/")
    assert [m.to for m in mail.outbox] == [[now_user.email]]
    assert Notification.objects.count() == 3
    assert Notification.objects.get(user=digest_user).email_pending
    assert not Notification.objects.get(user=never_user).email_pending
    assert Notification.objects.get(user=now_user).emailed_at is not None


def test_every_notification_mail_carries_working_unsubscribe_links(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    idea = IdeaFactory()
    follow(user=user, target=idea)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], subject="새 댓글", message="내용", url=idea.get_absolute_url(), target=idea)
    message = mail.outbox[0]
    links = LINK.findall(message.body)
    assert len(links) == 2  # stop following this idea; no more e-mail
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unfollow_path = "/" + links[0].split("/", 3)[3]
    never_path = "/" + links[1].split("/", 3)[3]
    # Without signing in: the page says what the link does, one button does it.
    page = client.get(unfollow_path)
    assert page.status_code == 200 and "팔로우 취소" in page.content.decode()
    assert is_following(user=user, target=idea)
    assert client.post(unfollow_path).status_code == 200
    assert not is_following(user=user, target=idea)
    # The mail client's one-click POST (no cookie, no CSRF token) turns e-mail off.
    assert client.post(never_path).status_code == 200
    assert NotificationSetting.objects.get(user=user).email == EmailFrequency.NEVER
    assert client.post(never_path).status_code == 200  # twice: still fine


def test_a_tampered_or_expired_unsubscribe_link_is_a_korean_error_page_not_a_500(client):
    user = UserFactory()
    token = unsubscribe_token(user=user)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "garbage", "x" * 900, "...", "eyJ1Ijo"):
        response = client.post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "올바르지 않은 링크" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = client.get(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400 and "유효 기간이 지났습니다" in response.content.decode()
    assert not NotificationSetting.objects.filter(user=user).exists()


def test_the_daily_digest_mails_each_digest_user_once(django_capture_on_commit_callbacks):
    now_user, digest_user, never_user = three_users()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[now_user, digest_user, never_user], subject="첫 소식", message="", url="/a/")
        notify(users=[digest_user], subject="둘째 소식", message="", url="/b/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notification_digest", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [digest_user.email] and "(2건)" in digest.subject
    assert "첫 소식" in digest.body and "둘째 소식" in digest.body and LINK.search(digest.body)
    assert not Notification.objects.filter(email_pending=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notification_digest", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1  # idempotent


def test_a_digest_user_who_turned_mail_off_meanwhile_gets_no_digest(django_capture_on_commit_callbacks):
    user = UserFactory()
    notification_setting_set(user=user, email=EmailFrequency.DAILY)
    notify(users=[user], subject="소식", message="", url="/a/")
    notification_setting_set(user=user, email=EmailFrequency.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notification_digest", stdout=open("/dev/null", "w"))
    assert mail.outbox == [] and not Notification.objects.filter(email_pending=True).exists()


def test_my_notifications_show_an_unread_badge_and_can_be_marked_read(client):
    user = UserFactory()
    notify(users=[user], subject="<script>첫</script> 소식", message="", url="/ideas/a/", email=False)
    notify(users=[user], subject="둘째 소식", message="", url="https://evil.example/", email=False)
    other = UserFactory()
    notify(users=[other], subject="남의 소식", message="", url="/x/", email=False)
    client.force_login(user)
    page = client.get("/me/notifications/").content.decode()
    assert 'aria-label="읽지 않은 알림">2</span>' in page
    assert "&lt;script&gt;첫" in page and "남의 소식" not in page
    first, second = Notification.objects.filter(user=user).order_by("pk")
    response = client.get(f"/me/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/ideas/a/"
    response = client.get(f"/me/notifications/{second.pk}/")  # off-site address: back to the list
    assert response["Location"] == "/me/notifications/"
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    foreign = Notification.objects.get(user=other)
    assert client.get(f"/me/notifications/{foreign.pk}/").status_code == 404
    assert client.post("/me/notifications/read/", {"id": foreign.pk}).status_code == 302
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    assert client.post("/me/notifications/read/", {"id": "99999999999999999999999"}).status_code == 302
    assert 'aria-label="읽지 않은 알림"' not in client.get("/").content.decode()


def test_mark_all_read(client):
    user = UserFactory()
    notify(users=[user, user], subject="소식", message="", email=False)
    notify(users=[user], subject="소식 2", message="", email=False)
    client.force_login(user)
    client.post("/me/notifications/read/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_the_settings_page_stores_the_choice_and_refuses_others_in_korean(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/notifications/settings/").status_code == 200
    assert client.post("/me/notifications/settings/", {"email": "daily"}).status_code == 302
    assert NotificationSetting.objects.get(user=user).email == EmailFrequency.DAILY
    response = client.post("/me/notifications/settings/", {"email": "hourly"})
    assert response.status_code == 400 and "목록에서 골라 주세요" in response.content.decode()
    assert NotificationSetting.objects.get(user=user).email == EmailFrequency.DAILY
