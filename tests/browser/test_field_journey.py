"""The 현장 기동대 journey on a phone-width screen (390×844): a field worker posts from a field visit
with the phone's position, the department answers, the poster rates the answer on the post's page."""

import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress

from grievances.models import Grievance
from grievances.services import grievance_answer, grievance_assign
from grievances.tests.factories import DepartmentFactory, department_member, field_worker_of
from ideas.tests.factories import moderator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_field_worker_posts_on_a_phone_department_answers_poster_rates(live_server, browser):
    worker = field_worker_of(email="field.worker@example.com")
    EmailAddress.objects.create(user=worker, email=worker.email, verified=True, primary=True)
    context = browser.new_context(
        locale="ko-KR",
        viewport=PHONE,
        geolocation={"latitude": 37.4851234, "longitude": 126.9015678},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("이메일").fill(worker.email)
        page.locator("#id_password").fill("비밀번호-1234")
        page.get_by_role("button", name="로그인").click()

        page.goto(f"{base}/field/")
        page.get_by_role("link", name="글쓰기").click()
        page.wait_for_url(re.compile("/field/new/"))
        page.get_by_label("새 방문일").fill((date.today() - timedelta(days=1)).isoformat())
        page.get_by_label("새 방문 장소").fill("구로디지털단지 인력시장")
        page.get_by_label("애로", exact=True).check()
        page.get_by_label("제목").fill("새벽 인력시장 대기 쉼터가 없습니다")
        page.get_by_label("내용").fill("새벽 네 시부터 일을 기다리는 분들이 추위를 피할 곳이 없습니다.")
        page.get_by_label("지역").select_option(label="구로구")
        page.get_by_label("위치 (주소, 선택)").fill("남구로역 2번 출구 앞")
        page.get_by_role("button", name="내 위치 사용").click()
        page.get_by_text("저장할 위치: 위도 37.485123, 경도 126.901568").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
        page.get_by_role("button", name="접수하기").click()

        page.wait_for_url(re.compile(r"/field/F\d{4}-\d+/"))
        assert "접수되었습니다" in page.content()
        grievance = Grievance.objects.get(author=worker)
        assert str(grievance.lat) == "37.485123" and str(grievance.long) == "126.901568"
        assert grievance.visit.place == "구로디지털단지 인력시장"

        # The department answers (the admin inbox is another branch's: through the services).
        department = DepartmentFactory(name="일자리정책과")
        grievance_assign(grievance=grievance, department=department, actor=moderator())
        grievance.refresh_from_db()
        grievance_answer(
            grievance=grievance, answer="다음 달부터 새벽 임시 쉼터를 운영합니다.", actor=department_member(department)
        )

        page.reload()
        assert "다음 달부터 새벽 임시 쉼터를 운영합니다." in page.content()
        page.get_by_label("만족", exact=True).check()
        page.get_by_label("의견 (선택, 1,000자 이내)").fill("빠른 답변 고맙습니다")
        page.get_by_role("button", name="평가 보내기").click()
        page.get_by_text("평가해 주셔서 고맙습니다.").wait_for()
        grievance.refresh_from_db()
        assert grievance.rating == "satisfied"

        page.goto(f"{base}/field/me/")
        assert grievance.reference in page.content()
        assert not violations, violations
    finally:
        context.close()
