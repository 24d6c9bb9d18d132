"""Journeys that stumbled in a real browser (issue 15), proven with the test client."""

import re

import pytest

from ideas.tests.factories import IdeaFactory, home_page, make_contest

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
