"""대토론회 in a real browser: an expert posts an opinion and edits it (on a desktop and on a 390 px
phone), a citizen replies and follows, staff close the topic and publish its summary, and the follower
is told. The last page is kept as a screenshot under tests/browser/artifacts/."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Notification
from forum.models import Opinion, TopicPage
from forum.tests.factories import expert, make_topic
from ideas.tests.factories import UserFactory, site_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "토론-회의-2026!"
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


def _account(user):
    from allauth.account.models import EmailAddress

    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def test_expert_opinion_citizen_reply_and_follow_staff_publish_summary(live_server, page):
    base = live_server.url
    topic = make_topic(title="청년 창업 공간 토론", slug="youth-space")
    pro = _account(expert("서울연구원", email="expert@example.com"))
    citizen = _account(UserFactory(email="citizen@example.com"))
    staff = _account(site_admin(email="staff@example.com"))

    _login(page, base, pro)
    page.goto(f"{base}{topic.url}")
    page.get_by_label("제안").check()
    page.locator("#id_body").fill("빈 상가를 청년 창업 공간으로 바꾸고 첫해 임대료를 면제해 주세요.")
    page.get_by_role("button", name="의견 올리기").click()
    page.wait_for_url(re.compile("#opinion-"))
    assert "전문가 · 서울연구원" in page.content()

    # The expert edits the opinion within the edit window, on a desktop screen, then again on a phone.
    opinion = Opinion.objects.get(author=pro)
    page.set_viewport_size({"width": 1280, "height": 900})
    _edit(page, opinion, "빈 상가를 청년 창업 공간으로 바꾸고 첫해 임대료를 면제해 주세요. 공용 작업실도 함께.")
    page.set_viewport_size({"width": 390, "height": 844})
    _edit(page, opinion, "빈 상가를 청년 창업 공간으로 바꾸고 첫해 임대료를 면제해 주세요. 공용 작업실과 주방도 함께.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    opinion.refresh_from_db()
    assert opinion.edited_at is not None and opinion.body.endswith("공용 작업실과 주방도 함께.")
    _login(page, base, citizen)
    page.goto(f"{base}{topic.url}")
    page.locator(f"#opinion-{opinion.pk} summary").filter(has_text=re.compile("^답글$")).click()
    page.locator(f"#reply-{opinion.pk}").fill("좋은 제안입니다. 공용 주방도 있으면 좋겠어요.")
    page.get_by_role("button", name="답글 올리기").click()
    page.wait_for_url(re.compile("#opinion-"))
    assert "공용 주방도 있으면" in page.content()
    page.get_by_role("button", name="팔로우", exact=True).click()
    assert "팔로우 취소" in page.content()

    # Staff close the topic: its window ends.
    TopicPage.objects.filter(pk=topic.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    _login(page, base, staff)
    page.goto(f"{base}{topic.url}")
    page.get_by_role("button", name="요약 만들기").click()
    assert "미공개" in page.content()
    page.get_by_role("button", name="요약 공개").click()
    assert "토론 결과 요약" in page.content() and "미공개" not in page.content()
    assert Notification.objects.filter(user=citizen, subject__contains="토론 결과").count() == 1

    page.context.clear_cookies()
    page.goto(f"{base}{topic.url}")
    assert "토론 결과 요약" in page.content()
    assert "빈 상가를 청년 창업 공간으로 바꾸고 첫해 임대료를 면제해 주세요." in page.content()
    assert "수정됨" in page.content()
    # No edit form once the topic has closed, even for its author.
    assert f"/forum/opinions/{opinion.pk}/edit/" not in page.content()
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "forum_journey_last_page.png"), full_page=True)


def _edit(page, opinion, text):
    """Open the opinion's "수정" panel on the topic page, change the text and save it."""
    item = page.locator(f"#opinion-{opinion.pk}")
    item.locator("summary").filter(has_text=re.compile("^수정$")).click()
    item.get_by_label("의견 수정").fill(text)
    with page.expect_navigation():
        item.get_by_role("button", name="고치기").click()
    page.wait_for_load_state()
    assert "의견을 고쳤습니다" in page.content()
    assert text in page.content() and "수정됨" in page.content()
