"""axe-core on every public page and the main staff pages, at phone and desktop width: no serious or
critical WCAG 2.1 A/AA violation. (Moderate ones are listed in the README with a reason.)"""

import pytest
from allauth.account.models import EmailAddress

from forum.tests.factories import make_opinion, make_topic
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, moderator

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "비밀번호-1234"


def _login(page, base, user):
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def _check(browser, base, paths, *, width, user=None) -> list[str]:
    # axe is injected as a script: the site's CSP (script-src 'self') would refuse it, so only this
    # checking context bypasses the CSP (tests/browser/test_csp.py checks the CSP itself).
    context = browser.new_context(locale="ko-KR", viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    found = []
    try:
        if user is not None:
            _login(page, base, user)
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status < 400, f"{path}: {response and response.status}"
            found += [f"{width} {path}: {v}" for v in axe_violations(page)]
    finally:
        context.close()
    return found


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_public_pages_have_no_serious_accessibility_violations(live_server, browser, width):
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    post = GrievanceFactory()
    topic = make_topic(state="open", capacity=3)
    make_opinion(topic)
    closed = make_topic(state="closed")
    paths = [
        "/",
        topic.url,
        closed.url,
        contest.url,
        f"{contest.url}ideas/",
        idea.get_absolute_url(),
        "/field/",
        post.get_absolute_url(),
        "/field/receipt/",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    assert _check(browser, live_server.url, paths, width=width) == []


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_signed_in_citizen_pages_have_no_serious_accessibility_violations(live_server, browser, width):
    contest = make_contest("submission")
    citizen = UserFactory()
    paths = [f"{contest.url}submit/", "/field/new/", "/field/me/"]
    assert _check(browser, live_server.url, paths, width=width, user=citizen) == []


def test_main_staff_pages_have_no_serious_accessibility_violations(live_server, browser):
    from django.contrib.auth.models import Group, Permission

    from core.roles import Role

    group, _ = Group.objects.get_or_create(name=Role.MODERATOR)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    staff = moderator()
    dept = DepartmentFactory()
    department_member(dept)
    post = GrievanceFactory(department=dept)
    paths = ["/admin/", "/admin/field/", f"/admin/field/posts/{post.reference}/", "/admin/field/dashboard/"]
    assert _check(browser, live_server.url, paths, width="desktop", user=staff) == []


def test_the_check_finds_a_violation_when_there_is_one(browser):
    """The checker itself: a page with an unlabelled input and an image without text fails it."""
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    try:
        page.set_content('<html lang="ko"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
        found = " ".join(axe_violations(page))
    finally:
        context.close()
    assert "image-alt" in found and "label" in found
