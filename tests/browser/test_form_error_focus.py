"""A form sent back with errors, in Chromium at phone width: focus goes to the error summary (an
alert a screen reader reads), its links move focus to the field, and every aria-describedby id exists."""

import pytest
from allauth.account.models import EmailAddress

from ideas.tests.factories import UserFactory, make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE_IS_SUMMARY = "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"


def _login(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.locator("#id_password").fill("비밀번호-1234")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_focus_moves_to_the_error_summary_and_from_there_to_the_field(live_server, page):
    writer = UserFactory(email="writer@example.com")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    contest = make_contest("submission")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("이메일").fill("writer@example.com")
    page.locator("#id_password").fill("틀린-비밀번호")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()
    assert page.evaluate(ACTIVE_IS_SUMMARY)

    _login(page, live_server.url, "writer@example.com")
    page.goto(f"{live_server.url}{contest.url}submit/")
    page.get_by_label("요약").fill("요약만 적었습니다.")
    page.get_by_role("button", name="제출하기").click()
    page.wait_for_load_state()
    assert page.evaluate(ACTIVE_IS_SUMMARY)
    summary = page.locator("[data-error-summary]")
    assert "입력 내용을 확인해 주세요" in summary.inner_text()
    summary.get_by_role("link", name="제목: 이 항목을 적어 주세요.").click()
    assert page.evaluate("() => document.activeElement.id") == "id_title"
    described = page.locator("#id_title").get_attribute("aria-describedby").split()
    for ident in described:
        assert page.locator(f"#{ident}").count() == 1
