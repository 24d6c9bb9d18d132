"""A journey per role, end to end in Chromium against the live server, each at desktop width and at
390 px: the moderator screens the queue, a reviewer scores blind, staff publish the results, and a
citizen objects to a decision (이의신청) which staff answer. The last page of each journey is kept as a
screenshot under tests/browser/artifacts/ (git-ignored; CI keeps it as an artifact)."""

import os
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from core.roles import Role
from ideas.choices import IdeaStatus
from ideas.models import ContestPage, Idea
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, moderator, reviewer, site_admin
from moderation.review.models import Assignment, Objection, ScoreSheet
from moderation.review.services import review_assign, review_score_save
from moderation.review.tests.factories import make_entries, make_panel, make_published_results
from moderation.services import screening_on_submit

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "비밀번호-1234"  # the factories' password
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(WIDTHS))
def journey(browser, request):
    """A page at the parametrised width; the journey's last page is saved as a screenshot. `csp=False`
    (for the journeys that run axe-core, which is injected as a script) bypasses the site's CSP;
    tests/browser/test_csp.py checks the CSP itself."""
    contexts = []

    def open_page(*, csp: bool = True):
        context = browser.new_context(locale="ko-KR", viewport=WIDTHS[request.param], bypass_csp=not csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    open_page.width = request.param
    yield open_page
    if contexts and contexts[-1].pages:
        os.makedirs(ARTIFACTS, exist_ok=True)
        contexts[-1].pages[-1].screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"), full_page=True)
    for context in contexts:
        context.close()


def _login(page, base, user):
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def _admin_access_for_moderators():
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=Role.MODERATOR)
    group.permissions.add(Permission.objects.get(codename="access_admin"))


def test_moderator_screens_the_queue_and_the_author_sees_the_change_request(live_server, journey):
    base = live_server.url
    _admin_access_for_moderators()
    contest = make_contest("submission")
    author = UserFactory(display_name="김제안")
    titles = ["골목 상점 디지털 도우미", "한강 자전거 수리 일자리", "광고성 글입니다"]
    ideas = []
    for title in titles:
        idea = IdeaFactory(
            contest=contest,
            author=author,
            title=title,
            title_public=title,
            status=IdeaStatus.SUBMITTED,
            published_at=None,
        )
        screening_on_submit(item=idea)
        ideas.append(idea)
    page = journey()
    _login(page, base, moderator(email="mod@example.com"))

    def open_case(title):
        page.goto(f"{base}/admin/moderation/")
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state()

    open_case(titles[0])
    page.get_by_role("button", name="승인하고 공개").click()
    page.wait_for_load_state()
    open_case(titles[1])
    page.get_by_label("고칠 점 (제안자에게 보입니다)").fill("예상 일자리 수의 근거를 적어 주세요.")
    page.get_by_role("button", name="수정 요청", exact=True).click()
    page.wait_for_load_state()
    open_case(titles[2])
    page.locator("select[name=reason]").select_option("advertising")
    page.get_by_role("button", name="반려", exact=True).click()
    page.wait_for_load_state()

    statuses = {i.title: Idea.objects.get(pk=i.pk) for i in ideas}
    assert statuses[titles[0]].published_at is not None
    assert statuses[titles[2]].status == IdeaStatus.REJECTED
    page.goto(f"{base}/admin/moderation/")
    for title in titles:
        assert title not in page.locator("main").inner_text()  # the queue is empty

    _login(page, base, author)
    page.goto(f"{base}/me/ideas/")
    row = page.locator("tr", has_text=titles[1])
    assert "예상 일자리 수의 근거를 적어 주세요." in row.inner_text()
    assert "수정 요청" in row.inner_text()
    page.get_by_role("link", name="고쳐서 다시 제출하기").first.wait_for()


def test_reviewer_scores_blind_with_the_rubric_and_submits(live_server, journey):
    base = live_server.url
    panel = make_panel(n_reviewers=1, k=1, reviewers=[reviewer(email="judge@example.com", display_name="심사위원가")])
    author = UserFactory(display_name="홍길동제안자", organisation="길동협동조합")
    idea = make_entries(panel.contest, 1, author=author)[0]
    review_assign(contest=panel.contest, seed=1)
    assignment = Assignment.objects.get(idea=idea)

    page = journey()
    _login(page, base, assignment.reviewer)
    page.goto(f"{base}/review/")
    assert "홍길동제안자" not in page.content() and "길동협동조합" not in page.content()
    page.get_by_role("link", name=idea.title_public).click()
    page.wait_for_load_state()
    text = page.content()
    assert "홍길동제안자" not in text and "길동협동조합" not in text and author.email not in text
    scores = page.locator("input[name^=score_]")
    assert scores.count() == 4
    for i in range(4):
        scores.nth(i).fill(str(6 + i))
    page.get_by_label("총평").fill("지역 상권과 청년 일자리를 함께 살리는 제안입니다.")
    page.get_by_role("button", name="제출", exact=True).click()
    page.wait_for_load_state()
    assert "제출한 심사표입니다" in page.content()
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.status == "submitted"
    assert sorted(sheet.scores.values_list("value", flat=True)) == [6, 7, 8, 9]


def test_staff_close_review_publish_results_and_the_public_sees_winners_and_names(live_server, journey):
    base = live_server.url
    _admin_access_for_moderators()
    panel = make_panel(n_reviewers=1, k=1)
    entries = [
        make_entries(panel.contest, 1, author=UserFactory(display_name=name))[0] for name in ("이선정", "박미선정")
    ]
    review_assign(contest=panel.contest, seed=1)
    for idea, value in zip(entries, (9, 3), strict=True):
        a = Assignment.objects.get(idea=idea)
        review_score_save(
            assignment=a, reviewer=a.reviewer, values={c.pk: value for c in panel.criteria.all()}, submit=True
        )
    # Closing the review is the contest's schedule (data): its review and results dates pass.
    now = timezone.now()
    ContestPage.objects.filter(pk=panel.contest_id).update(
        review_closes_at=now - timedelta(minutes=2), results_at=now - timedelta(minutes=1)
    )

    page = journey()
    _login(page, base, site_admin(email="staff@example.com"))
    page.goto(f"{base}/admin/review-panels/{panel.pk}/")
    winner, other = entries
    page.locator(f"#tier-{winner.pk}").select_option("grand")
    page.locator(f"#tier-{winner.pk}").locator("xpath=ancestor::form").get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    page.locator(f"#tier-{other.pk}").select_option("not_selected")
    page.locator(f"#tier-{other.pk}").locator("xpath=ancestor::form").get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    page.get_by_role("button", name=re.compile("결과 공개")).click()
    page.wait_for_load_state()
    assert "결과를 공개했습니다" in page.content()

    page.context.clear_cookies()
    contest = ContestPage.objects.get(pk=panel.contest_id)
    page.goto(f"{base}{contest.url}results/")
    results = page.locator("main").inner_text()
    assert winner.reference in results and "대상" in results
    assert other.reference not in results
    page.locator("table a").first.click()
    page.wait_for_load_state()
    assert "이선정" in page.locator("main").inner_text()


def test_citizen_objects_to_the_decision_and_staff_answer_on_the_record(live_server, journey):
    base = live_server.url
    _admin_access_for_moderators()
    panel, (_won, lost) = make_published_results()
    contest = panel.contest

    page = journey(csp=False)
    _login(page, base, lost.author)
    page.goto(f"{base}{contest.url}results/")
    assert "이의신청 처리 현황" in page.content()
    assert not axe_violations(page), axe_violations(page)
    page.get_by_role("link", name=re.compile("이의신청")).click()
    page.wait_for_load_state()
    assert re.search(r"\d{4}-\d{2}-\d{2}까지", page.content())  # the closing date is shown
    page.get_by_role("button", name="이의신청 하기").click()  # empty: told what went wrong
    assert page.locator("[data-error-summary]").is_visible()
    assert not axe_violations(page), axe_violations(page)
    page.get_by_label("이의신청 사유").fill("실현가능성 점수의 근거를 다시 검토해 주세요. 연락처 010-2222-3333")
    page.get_by_role("button", name="이의신청 하기").click()
    page.wait_for_load_state()
    assert "이의신청을 접수했습니다" in page.content() and "010-2222-3333" not in page.content()
    assert not axe_violations(page), axe_violations(page)

    _login(page, base, moderator(email="mod2@example.com"))
    page.goto(f"{base}/admin/review-panels/objections/")
    page.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
    page.wait_for_load_state()
    page.get_by_role("radio", name="인용").check()
    page.get_by_label(re.compile("변경할 결정")).select_option("encouragement")
    page.get_by_label("답변", exact=True).fill("채점 기록을 다시 확인하여 장려상으로 바로잡습니다.")
    page.get_by_role("button", name="답변 등록").click()
    page.wait_for_load_state()
    assert "이의신청에 답변했습니다" in page.content()
    assert Objection.objects.get().outcome == "upheld"
    assert Idea.objects.get(pk=lost.pk).status == IdeaStatus.SELECTED

    _login(page, base, lost.author)
    page.goto(f"{base}/review/objection/{lost.pk}/")
    text = page.locator("main").inner_text()
    assert "인용" in text and "장려상으로 바로잡습니다" in text
