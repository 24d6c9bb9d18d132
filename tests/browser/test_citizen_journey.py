"""A citizen goes from sign-up to a submitted idea and sees its status, in a real browser."""

import re

import pytest
from django.core import mail

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_signs_up_verifies_submits_and_follows_status(live_server, page):
    contest = make_contest("submission", title="2026 일사천리 창의 아이디어 공모전", slug="2026")
    base = live_server.url

    page.goto(f"{base}/accounts/signup/")
    assert "개인정보 수집·이용 안내" in page.content()
    page.get_by_label("이메일").fill("new.citizen@example.com")
    page.locator("#id_password1").fill("한강-공원-2026!")
    page.locator("#id_password2").fill("한강-공원-2026!")
    page.get_by_label("표시 이름").fill("새시민")
    page.get_by_role("button", name="가입하고 인증 메일 받기").click()
    # Without consent, sign-up is refused with a Korean message next to the box.
    assert "동의해야 가입할 수 있습니다" in page.content()
    page.locator("#id_password1").fill("한강-공원-2026!")
    page.locator("#id_password2").fill("한강-공원-2026!")
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()
    page.get_by_role("button", name="가입하고 인증 메일 받기").click()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", base))
    page.get_by_role("button").filter(has_text="확인").first.click()

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill("new.citizen@example.com")
    page.locator("#id_password").fill("한강-공원-2026!")
    page.get_by_role("button", name="로그인").click()

    page.goto(f"{base}{contest.url}submit/")
    page.get_by_label("제목").fill("골목 상점 디지털 도우미")
    page.get_by_label("요약").fill("동네 상점의 온라인 지도 등록을 청년이 돕습니다.")
    page.get_by_label("내용").fill("디지털에 익숙한 청년이 상점을 찾아가 간편결제와 지도 등록을 돕습니다.")
    page.get_by_label("대상").select_option(label="청년")
    page.get_by_label("지역").select_option(label="마포구")
    page.get_by_role("button", name="제출하기").click()

    idea = Idea.objects.get(author__email="new.citizen@example.com")
    page.wait_for_url(re.compile(idea.reference))
    assert "아이디어가 접수되었습니다" in page.content()
    assert "진행 상황" in page.content() and "접수" in page.content()

    page.goto(f"{base}/me/ideas/")
    assert idea.reference in page.content()


def test_support_button_counts_once_and_shows_the_count(live_server, page, django_user_model):
    idea = IdeaFactory(title="한강 공원 자전거 수리 일자리")
    fan = django_user_model.objects.create_user(username="fan", email="fan@example.com", password="p-12345678!")
    fan.privacy_consent_at = idea.created_at
    fan.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=fan, email=fan.email, verified=True, primary=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("이메일").fill("fan@example.com")
    page.locator("#id_password").fill("p-12345678!")
    page.get_by_role("button", name="로그인").click()
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.get_by_role("button", name=re.compile("공감하기")).click()
    assert page.locator("#support-count").inner_text() == "1"
    assert "공감 취소" in page.content()


def test_similar_published_ideas_appear_while_writing(live_server, page, django_user_model):
    from allauth.account.models import EmailAddress

    from ideas.tests.factories import UserFactory

    contest = make_contest("submission")
    shown = IdeaFactory(
        contest=contest,
        title="어르신 돌봄 이웃 일자리",
        title_public="어르신 돌봄 이웃 일자리",
        summary_public="건강한 어르신이 홀로 사는 어르신을 돌봅니다.",
        body_public="건강한 어르신이 홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 돌봄 일자리입니다.",
    )
    writer = UserFactory(email="writer@example.com")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("이메일").fill("writer@example.com")
    page.locator("#id_password").fill("비밀번호-1234")
    page.get_by_role("button", name="로그인").click()
    page.goto(f"{live_server.url}{contest.url}submit/")
    page.get_by_label("제목").fill("홀로 사는 어르신 돌봄")
    page.get_by_label("내용").fill(
        "어르신이 홀로 사는 어르신 집을 찾아가 안부를 확인하는 돌봄 일자리를 만들면 좋겠습니다."
    )
    box = page.locator("#similar-ideas")
    box.wait_for(state="visible")
    link = box.get_by_role("link", name="어르신 돌봄 이웃 일자리")
    assert link.get_attribute("href") == shown.get_absolute_url()
