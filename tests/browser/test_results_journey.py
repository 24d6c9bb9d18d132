"""The results side in a real browser, at desktop and phone (390 px) width: staff adopt a selected idea
and update the project, the author accepts the credit, a citizen finds the project from the idea's page
and on the results page; a coordinator updates their project's jobs figure. axe-core on the results page
and a project page. The last page of each journey is kept under tests/browser/artifacts/."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.tests.factories import IdeaFactory, UserFactory, home_page, make_contest, site_admin
from results.models import JobsReport, Project, ProjectIdea, ResultsPage
from results.tests.factories import ProjectFactory, coordinator

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "성과-공개-2026!"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


def _account(user):
    from allauth.account.models import EmailAddress

    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def _new_page(browser, width):
    # axe is injected as a script: only these checking contexts bypass the CSP (test_csp.py checks it).
    context = browser.new_context(locale="ko-KR", viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def _keep(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_staff_adopt_and_update_the_author_accepts_a_citizen_follows_it_to_the_results(live_server, browser, width):
    base = live_server.url
    home = home_page()
    results = home.add_child(instance=ResultsPage(title="성과 공개", slug="results"))
    contest = make_contest("results")
    author = _account(UserFactory(email="author@example.com", display_name="김제안"))
    idea = IdeaFactory(contest=contest, author=author, status=IdeaStatus.SELECTED, title="빈 점포를 청년 창업 공간으로")
    idea.title_public = idea.title
    idea.save()
    staff = _account(site_admin(email="staff@example.com"))
    citizen = _account(UserFactory(email="citizen@example.com"))
    page = _new_page(browser, width)
    try:
        # Staff adopt the idea into a new project in the admin.
        _login(page, base, staff)
        page.goto(f"{base}/admin/results/adopt/")
        page.locator(f"#new-title-{idea.pk}").fill("청년 창업 공간 전환 사업")
        page.locator(".adopt-form").get_by_role("button", name="채택").click()
        page.wait_for_load_state()
        project = Project.objects.get(title="청년 창업 공간 전환 사업")
        assert ProjectIdea.objects.get(project=project).is_pending

        # … and update it on the site: status, progress, a jobs figure.
        page.goto(f"{base}/results/me/projects/{project.pk}/")
        page.get_by_label("상태").select_option("in_progress")
        page.get_by_label("진척률(%)").fill("40")
        page.get_by_label("창출 일자리 수(누적)").fill("12")
        page.get_by_label("기준일").fill(timezone.localdate().isoformat())
        page.get_by_label("출처").fill("일자리TF 보고")
        page.get_by_role("button", name="저장").click()
        page.wait_for_url(f"**/results/projects/{project.pk}/")
        assert "일자리 12개" in page.content() and "김제안" not in page.content()

        # The author answers from 내 아이디어: consent, with credit.
        _login(page, base, author)
        page.goto(f"{base}/me/ideas/")
        page.get_by_role("link", name="동의 여부 답하기").click()
        page.get_by_label("동의합니다").check()
        page.get_by_label("사업 페이지에 제안자로").check()
        page.get_by_role("button", name="답하기").click()
        page.wait_for_url(f"**/results/projects/{project.pk}/")
        assert "김제안" in page.locator(".project-ideas").inner_text()

        # A citizen finds the project from the idea's page, then on the results page.
        _login(page, base, citizen)
        page.goto(f"{base}{idea.get_absolute_url()}")
        page.locator(".idea-projects").get_by_role("link", name="청년 창업 공간 전환 사업").click()
        page.wait_for_url(f"**/results/projects/{project.pk}/")
        assert page.locator("progress").first.get_attribute("value") == "40"
        assert not axe_violations(page), axe_violations(page)
        page.goto(f"{base}{results.url}")
        assert page.get_by_role("link", name="청년 창업 공간 전환 사업").is_visible()
        assert not axe_violations(page), axe_violations(page)
        if width == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _keep(page, f"results_journey_{width}")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_coordinator_updates_their_projects_jobs_figure(live_server, browser, width):
    base = live_server.url
    coord = _account(coordinator(email="coord@example.com"))
    project = ProjectFactory(title="택시 차고지 쉼터 사업", coordinator=coord)
    ProjectFactory(title="다른 사람의 사업")
    page = _new_page(browser, width)
    try:
        _login(page, base, coord)
        page.goto(f"{base}/results/me/projects/")
        assert "다른 사람의 사업" not in page.content()
        assert "90일 넘게 일자리 실적 보고가 없습니다." in page.content()
        page.get_by_role("link", name="택시 차고지 쉼터 사업 갱신").click()
        page.get_by_label("창출 일자리 수(누적)").fill("25")
        page.get_by_role("button", name="저장").click()  # no date nor source yet: told what is missing
        summary = page.locator("[data-error-summary]")
        assert "기준일을 적어 주세요." in summary.inner_text()
        page.get_by_label("기준일").fill(timezone.localdate().isoformat())
        page.get_by_label("출처").fill("코디네이터 현장 확인")
        page.get_by_role("button", name="저장").click()
        page.wait_for_url(f"**/results/projects/{project.pk}/")
        assert "일자리 25개" in page.locator("[data-figure=jobs]").inner_text()
        assert JobsReport.objects.get(project=project).reported_by == coord
        if width == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _keep(page, f"coordinator_journey_{width}")
    finally:
        page.context.close()
