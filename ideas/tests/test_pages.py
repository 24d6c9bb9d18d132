"""The Wagtail page tree and the public pages."""

import pytest
from wagtail.test.utils import WagtailPageTestCase

from ideas.models import ContestIndexPage, ContestPage, HomePage
from ideas.tests.factories import HOSTILE, IdeaFactory, make_contest


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_holds_the_contest_index_and_discussion_topics(self):
        from forum.models import TopicPage

        self.assertAllowedSubpageTypes(HomePage, {ContestIndexPage, TopicPage})

    def test_contest_index_holds_contests_and_discussion_topics(self):
        from forum.models import TopicPage

        self.assertAllowedSubpageTypes(ContestIndexPage, {ContestPage, TopicPage})
        self.assertAllowedParentPageTypes(ContestIndexPage, {HomePage})

    def test_contest_page_has_no_children_and_lives_under_the_index(self):
        self.assertAllowedSubpageTypes(ContestPage, set())
        self.assertAllowedParentPageTypes(ContestPage, {ContestIndexPage})


pytestmark = pytest.mark.django_db


def test_contest_page_shows_its_phase_and_hostile_title_escaped(client):
    contest = make_contest("submission")
    html = client.get(contest.url).content.decode()
    assert "아이디어 접수" in html
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_idea_list_shows_published_ideas_escaped_and_filters(client):
    contest = make_contest("submission")
    shown = IdeaFactory(contest=contest, district="mapo")
    other = IdeaFactory(contest=contest, district="guro", title="구로 어르신 일자리")
    hidden = IdeaFactory(contest=contest, published_at=None, title="비공개 아이디어")
    html = client.get(f"{contest.url}ideas/", {"district": "mapo"}).content.decode()
    assert shown.reference in html and other.reference not in html and hidden.reference not in html
    assert "<script>alert" not in html


def test_unknown_filter_values_are_ignored_not_errors(client):
    contest = make_contest("submission")
    IdeaFactory(contest=contest)
    response = client.get(f"{contest.url}ideas/", {"district": "atlantis", "track": "nope", "page": "999"})
    assert response.status_code == 200


def test_korean_search_finds_words_with_particles(client):
    contest = make_contest("submission")
    hit = IdeaFactory(contest=contest, title="서울시는 일자리를 늘려야", body_public="서울시는 일자리를 늘려야 합니다.")
    miss = IdeaFactory(contest=contest, title="공원 청소 봉사", body_public="공원 청소 봉사", summary_public="공원")
    for q in ("서울시", "일자리"):
        html = client.get(f"{contest.url}ideas/", {"q": q}).content.decode()
        assert hit.reference in html and miss.reference not in html


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_withdrawn_or_rejected_idea_is_404_for_others_but_visible_to_its_author(client, status):
    idea = IdeaFactory(status=status)
    assert client.get(idea.get_absolute_url()).status_code == 404
    client.force_login(idea.author)
    assert client.get(idea.get_absolute_url()).status_code == 200


def test_unpublished_idea_is_404_for_anonymous(client):
    idea = IdeaFactory(published_at=None)
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_author_sees_status_history_on_my_ideas(client):
    idea = IdeaFactory()
    idea.status_changes.create(from_status="", to_status="submitted")
    client.force_login(idea.author)
    html = client.get("/me/ideas/").content.decode()
    assert idea.reference in html and "접수" in html


def test_idea_list_query_count_does_not_grow_with_ideas(client, django_assert_max_num_queries):
    contest = make_contest("submission")
    for _ in range(3):
        IdeaFactory(contest=contest).tags.add("청년", "창업")
    url = f"{contest.url}ideas/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(9):
        IdeaFactory(contest=contest).tags.add("어르신")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
