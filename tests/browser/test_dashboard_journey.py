"""The TF 성과관리 dashboard in Chromium, on a desktop and a phone (390 px): a TF member signs in, opens the
dashboard, filters by a track, reads a chart's table, downloads its CSV; axe-core finds no serious or
critical violation. The phone's last page is kept as tests/browser/artifacts/dashboard_phone.png."""

import csv
import io
import os
import re

import pytest
from allauth.account.models import EmailAddress

from dashboard.tests.test_views import tf_member
from dashboard.tests.world import build_world

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_tf_member_filters_by_a_track_and_downloads_a_csv(live_server, browser, size):
    w = build_world()
    user = tf_member(email=f"tf-{size}@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    # axe is injected as a script, which the CSP would refuse: only this context bypasses it.
    context = browser.new_context(locale="ko-KR", viewport=SIZES[size], bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("이메일").fill(user.email)
        page.locator("#id_password").fill("비밀번호-1234")
        page.get_by_role("button", name="로그인").click()
        page.wait_for_load_state()

        page.goto(f"{base}/admin/tf/")
        page.get_by_role("heading", name="아이디어 접수 추이").wait_for()
        page.get_by_role("img", name=re.compile("아이디어 접수 \\(정책 트랙별\\)")).wait_for()
        assert axe_violations(page) == []

        page.get_by_label("정책 트랙", exact=True).select_option(label="=여성 일자리")
        page.get_by_role("button", name="적용").click()
        page.wait_for_url(re.compile(f"track={w.t2.pk}"))
        ideas = page.locator("#section-ideas")
        assert "접수한 아이디어" in ideas.inner_text() and "2" in ideas.locator("dd").first.inner_text()

        # The table beside the chart opens; the CSV holds the same figures.
        block = page.locator('[data-chart="ideas-track"]')
        block.locator("summary").click()
        assert block.locator("table").is_visible()
        with page.expect_download() as info:
            block.get_by_role("link", name=re.compile("CSV 내려받기")).click()
        download = info.value
        raw = open(download.path(), "rb").read()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == ["기간 시작일", "'=여성 일자리", "합계"]
        assert sum(int(r[-1]) for r in rows[1:]) == 2

        assert axe_violations(page) == []
        if size == "phone":
            # Nothing wider than the phone but the tables, which scroll inside their own box.
            assert page.evaluate("document.querySelector('.tf-chart-image svg').getBoundingClientRect().width") <= 390
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.screenshot(path=os.path.join(ARTIFACTS, "dashboard_phone.png"), full_page=True)
    finally:
        context.close()
