"""Similar ideas while writing, on a phone (390 px): the box shows right under the title, in view,
while the citizen is still typing the title."""

import pytest
from allauth.account.models import EmailAddress

from ideas.tests.factories import IdeaFactory, UserFactory, make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.locator("#id_password").fill("비밀번호-1234")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_similar_ideas_show_in_view_right_under_the_title_while_typing_it_on_a_phone(live_server, page):
    contest = make_contest("submission")
    IdeaFactory(
        contest=contest,
        title_public="어르신 돌봄 이웃 일자리",
        summary_public="건강한 어르신이 홀로 사는 어르신을 돌봅니다.",
        body_public="건강한 어르신이 홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 돌봄 일자리입니다.",
    )
    writer = UserFactory(email="writer@example.com")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    _login(page, live_server.url, "writer@example.com")
    page.goto(f"{live_server.url}{contest.url}submit/")
    assert page.viewport_size["width"] == 390

    title = page.get_by_label("제목")
    title.click()
    title.press_sequentially("홀로 사는 어르신 돌봄")
    box = page.locator("#similar-ideas")
    box.wait_for(state="visible")
    assert page.evaluate("() => document.activeElement.id") == "id_title"  # still typing the title
    rects = page.evaluate(
        """() => {
          const r = (el) => el.getBoundingClientRect();
          return {box: r(document.getElementById('similar-ideas')), title: r(document.getElementById('id_title')),
                  height: window.innerHeight};
        }"""
    )
    assert 0 <= rects["title"]["top"] and rects["title"]["bottom"] <= rects["height"]
    assert rects["title"]["bottom"] <= rects["box"]["top"] < rects["height"] - 40, rects
    assert box.get_by_role("link", name="어르신 돌봄 이웃 일자리").is_visible()
