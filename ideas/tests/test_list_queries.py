"""Lists without whole-table work: a constant number of queries whatever the rows and page size, a
capped count and a last reachable page with a clear message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from ideas.models import HomePage
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    client.get(url, params or {})  # per-process look-ups (the Wagtail site) are cached after the first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def add_ideas(contest, n):
    for i in range(n):
        idea = IdeaFactory(contest=contest, title=f"청년 일자리 제안 {i}", body_public="청년 창업 공간 일자리")
        idea.tags.add(f"태그{i}", "청년")


LIST_PARAMS = [
    {},
    {"sort": "support"},
    {"district": "mapo"},
    {"target_group": "youth"},
    {"status": "submitted"},
    {"tag": "청년"},
    {"q": "청년들 일자리"},
    {"q": "청년", "sort": "latest"},
    {"page": "2"},
]


@pytest.mark.parametrize("params", LIST_PARAMS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "plain")
@override_settings(IDEAS_LIST_PAGE_SIZE=4)
def test_idea_list_queries_do_not_grow_with_the_rows(client, params):
    contest = make_contest("submission")
    add_ideas(contest, 9)
    url = f"{contest.url}ideas/"
    client.force_login(UserFactory())
    few = queries(client, url, params)
    add_ideas(contest, 12)
    assert queries(client, url, params) == few


@pytest.mark.parametrize("params", [{}, {"sort": "support"}, {"q": "청년들"}, {"tag": "청년"}], ids=str)
def test_api_list_queries_do_not_grow_with_the_rows_or_the_page_size(client, params):
    contest = make_contest("submission")
    add_ideas(contest, 3)
    small = queries(client, "/api/v1/ideas", {**params, "contest": contest.pk, "page_size": 2})
    add_ideas(contest, 12)
    assert queries(client, "/api/v1/ideas", {**params, "contest": contest.pk, "page_size": 14}) == small


def test_home_and_contest_pages_queries_do_not_grow_with_the_ideas(client):
    contest = make_contest("results")
    contest.results_published_at = timezone.now()  # the panel published: the results page exists
    contest.save(update_fields=["results_published_at"])
    add_ideas(contest, 2)
    home = HomePage.objects.get()
    pages = [home.url, contest.url, f"{contest.url}results/"]
    few = [queries(client, url) for url in pages]
    add_ideas(contest, 10)
    assert [queries(client, url) for url in pages] == few


def test_idea_page_queries_do_not_grow_with_supports_and_tags(client):
    idea = IdeaFactory()
    few = queries(client, idea.get_absolute_url())
    from ideas.services import idea_support

    for i in range(5):
        idea_support(idea=idea, user=UserFactory())
        idea.tags.add(f"태그{i}")
    assert queries(client, idea.get_absolute_url()) == few


@override_settings(IDEAS_LIST_PAGE_SIZE=2, IDEAS_LIST_MAX_RESULTS=5)
def test_a_long_list_counts_up_to_the_cap_and_says_so_past_the_last_page(client):
    contest = make_contest("submission")
    add_ideas(contest, 8)
    html = client.get(f"{contest.url}ideas/").content.decode()
    assert "(5+건)" in html and "1 / 3 쪽" in html
    deep = client.get(f"{contest.url}ideas/", {"page": "40"})
    assert deep.status_code == 200
    text = deep.content.decode()
    assert "목록은 3쪽까지 볼 수 있습니다" in text and "3 / 3 쪽" in text
    short = client.get(f"{contest.url}ideas/", {"district": "guro"}).content.decode()
    assert "(0건)" in short and "목록은" not in short


@override_settings(IDEAS_LIST_MAX_RESULTS=5)
def test_api_count_is_capped_and_a_page_past_the_cap_is_a_korean_400(client):
    contest = make_contest("submission")
    add_ideas(contest, 7)
    body = client.get("/api/v1/ideas", {"contest": contest.pk, "page_size": 2}).json()
    assert body["count"] == 5 and body["count_capped"] is True and len(body["items"]) == 2
    few = client.get("/api/v1/ideas", {"contest": contest.pk, "district": "guro"}).json()
    assert few["count"] == 0 and few["count_capped"] is False
    r = client.get("/api/v1/ideas", {"contest": contest.pk, "page_size": 2, "page": 4})
    assert r.status_code == 400
    assert "목록은 3쪽까지" in r.json()["errors"]["page"][0]
