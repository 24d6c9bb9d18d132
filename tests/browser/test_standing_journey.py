"""The 상시 제안 journey: a citizen proposes an idea on the standing board on a phone (390 px), staff
refer it to a department in the admin, a department member answers it from the inbox, and the citizen
reads the answer on the idea's page (a screenshot of that page is kept in tests/browser/artifacts/)."""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client

from core.roles import Role
from grievances.tests.factories import DepartmentFactory, department_member
from ideas.models import Idea
from ideas.tests.factories import UserFactory, make_standing_board, moderator
from moderation.services import screening_approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


def _signed_in(browser, user, live_server, viewport):
    """A browser context signed in as `user` (the session cookie of a test client's login)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="ko-KR", viewport=viewport)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_citizen_posts_on_standing_board_staff_refer_department_answers_citizen_reads(live_server, browser):
    board = make_standing_board()
    department = DepartmentFactory(name="일자리정책과")
    member, staff = department_member(department), moderator()
    # Moderators enter the Wagtail admin (as in the demo data).
    Group.objects.get(name=Role.MODERATOR).permissions.add(Permission.objects.get(codename="access_admin"))
    citizen = UserFactory()
    base = live_server.url

    citizen_ctx, page = _signed_in(browser, citizen, live_server, PHONE)
    page.goto(f"{base}{board.url}")
    assert "상시 제안 게시판입니다" in page.content()
    page.goto(f"{base}{board.url}submit/")
    assert "상시 제안 (마감 없음)" in page.content()
    page.get_by_label("제목").fill("전통시장 빈 점포 청년 수선 공방")
    page.get_by_label("요약").fill("빈 점포를 청년 수선 공방으로 바꿉니다.")
    page.get_by_label("내용").fill("전통시장 빈 점포를 수선·수리를 배우는 청년에게 싸게 빌려줍니다.")
    page.get_by_label("대상").select_option(label="청년")
    page.get_by_label("지역").select_option(label="마포구")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="제출하기").click()
    page.wait_for_url(re.compile(r"/ideas/\d{4}-\d+/"))
    idea = Idea.objects.get(author=citizen)
    assert idea.contest_id == board.pk
    screening_approve(item=idea, actor=staff, note="승인")

    staff_ctx, admin = _signed_in(browser, staff, live_server, {"width": 1280, "height": 900})
    admin.goto(f"{base}/admin/field/ideas/{idea.reference}/refer/")
    admin.get_by_label("답변할 부서").select_option(label="일자리정책과")
    admin.get_by_role("button", name="부서에 답변 요청").click()
    admin.get_by_text("일자리정책과에 답변을 요청했습니다.").wait_for()
    staff_ctx.close()

    member_ctx, inbox = _signed_in(browser, member, live_server, {"width": 1280, "height": 900})
    inbox.goto(f"{base}/admin/field/")
    inbox.locator("[data-referrals]").get_by_role("link", name=idea.public_title).click()
    inbox.get_by_label("답변 (개인정보는 가려져 공개됩니다)").fill(
        "내년 청년상인 지원사업에 수선 공방 유형을 넣겠습니다. 담당 010-1234-5678"
    )
    inbox.get_by_role("button", name="답변 등록").click()
    inbox.get_by_text("답변을 등록했습니다.").wait_for()
    member_ctx.close()

    page.goto(f"{base}{idea.get_absolute_url()}")
    answer = page.locator("[data-referral-answer]")
    answer.wait_for()
    assert "내년 청년상인 지원사업에 수선 공방 유형을 넣겠습니다." in answer.inner_text()
    assert "1234-5678" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "standing_answer_390.png"), full_page=True)
    citizen_ctx.close()
