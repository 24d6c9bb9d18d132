"""Journeys that stumbled in a real browser (issue 15), proven with the test client."""

import re

import pytest

from ideas.choices import IdeaStatus
from ideas.services import idea_change_status
from ideas.tests.factories import IdeaFactory, UserFactory, home_page, make_contest
from moderation.services import screening_approve, screening_request_changes
from moderation.tests.factories import staff_moderator, submit

pytestmark = pytest.mark.django_db


def _tag_links(html: str) -> list[str]:
    block = re.findall(r'<ul class="tags"[^>]*>(.*?)</ul>', html, flags=re.S)
    return [href for b in block for href in re.findall(r'href="([^"]+)"', b)]


def test_tag_chips_on_every_page_lead_to_the_filtered_idea_list(client):
    home_page()
    contest = make_contest("submission")
    tagged = IdeaFactory(contest=contest, title_public="청년 창업 공유 주방")
    tagged.tags.add("청년창업")
    other = IdeaFactory(contest=contest, title_public="어르신 돌봄 이웃")
    other.tags.add("돌봄")
    for page_url in ["/", contest.url, f"{contest.url}ideas/", tagged.get_absolute_url()]:
        html = client.get(page_url).content.decode()
        links = [h for h in _tag_links(html) if "청년" in h or "%EC%B2%AD%EB%85%84" in h]
        assert links, page_url
        for href in links:
            assert href.startswith(f"{contest.url}ideas/?tag="), (page_url, href)
            listing = client.get(href.replace("&amp;", "&"))
            assert listing.status_code == 200
            text = listing.content.decode()
            assert "청년 창업 공유 주방" in text and "어르신 돌봄 이웃" not in text, (page_url, href)


def _status_cell(html: str, reference: str) -> str:
    row = re.search(rf"<tr>\s*<td>{re.escape(reference)}</td>(.*?)</tr>", html, flags=re.S).group(1)
    return re.search(r'<td class="status">(.*?)</td>', row, flags=re.S).group(1)


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_my_ideas_shows_one_status_per_idea_and_the_moderators_change_request(client):
    contest = make_contest("submission")
    author = UserFactory()
    waiting = submit(contest, author=author, title="기다리는 아이디어")
    asked = submit(contest, author=author, title="고쳐야 할 아이디어", body="서로 다른 본문입니다. " * 5)
    public = submit(contest, author=author, title="공개된 아이디어", body="또 다른 내용의 본문입니다. " * 5)
    moderator = staff_moderator()
    request = "연락처를 지우고, 필요한 예산의 근거를 한 문단으로 적어 주세요. 무엇을 고쳐야 하는지 알 수 있어야 합니다."
    screening_request_changes(item=asked, actor=moderator, note=request)
    screening_approve(item=public, actor=moderator)
    idea_change_status(idea=public, to_status=IdeaStatus.SCREENING, actor=moderator)

    client.force_login(author)
    html = client.get("/me/ideas/").content.decode()
    cells = {i.reference: _status_cell(html, i.reference) for i in (waiting, asked, public)}
    for cell in cells.values():
        assert cell.count('class="badge') == 1, cell
    assert _text(cells[waiting.reference]) == "공개 전 검토 중"
    assert _text(cells[public.reference]) == "검토중"
    assert _text(cells[asked.reference]).startswith("수정 요청")
    assert request in _text(cells[asked.reference])  # the whole request, not cut off
    assert asked.get_absolute_url() + "edit/" in cells[asked.reference]

    detail = client.get(asked.get_absolute_url()).content.decode()
    detail = detail.split("<main", 1)[1]  # the idea itself, not the site's header (its unread-count badge)
    assert request in detail and "비공개 (검토 대기 또는 철회·반려)" not in detail
    assert detail.count('class="badge') == 1 and "수정 요청" in _text(
        re.search(r'<p class="meta">.*?</p>', detail, flags=re.S).group(0)
    )
