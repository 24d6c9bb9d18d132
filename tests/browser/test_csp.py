"""Under the Content-Security-Policy (no inline script), the site's scripts still work in a real
browser: the withdraw confirmation comes from the static site.js, and no page reports a violation."""

import pytest
from allauth.account.models import EmailAddress

from ideas.choices import IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdraw_asks_first_and_no_page_breaks_the_csp(live_server, page):
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    author = idea.author
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text} {msg.location}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("이메일").fill(author.email)
    page.locator("#id_password").fill("비밀번호-1234")
    page.get_by_role("button", name="로그인").click()
    page.goto(f"{live_server.url}{contest.url}submit/")
    page.get_by_label("제목").fill("제목을 적으면 비슷한 아이디어를 찾습니다")
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")

    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="철회").click()
    assert questions == ["정말 철회할까요? 철회하면 되돌릴 수 없습니다."]
    idea.refresh_from_db()
    assert idea.status != IdeaStatus.WITHDRAWN

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="철회").click()
    page.wait_for_url(f"{live_server.url}/me/ideas/")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.WITHDRAWN
    assert violations == []
