"""The anonymous page cache: served from the cache, dropped when what visitors see changes,
never kept past a phase boundary, never for logged-in users; ETag and 304."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from ideas import services
from ideas.cache import page_ttl
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def page_cache():
    cache.clear()
    with override_settings(IDEAS_PAGE_CACHE=True):
        yield
    cache.clear()


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


def test_an_anonymous_list_is_served_from_the_cache_without_queries(client):
    contest = make_contest("submission")
    IdeaFactory(contest=contest)
    url = f"{contest.url}ideas/"
    first, _n = get(client, url)
    second, queries = get(client, url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert queries == 0 and second.content == first.content
    assert second["ETag"] and second["Last-Modified"]


def test_a_support_drops_the_cached_pages(client, django_capture_on_commit_callbacks):
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    url = f"{contest.url}ideas/"
    assert "♥ 0" in get(client, url)[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_support(idea=idea, user=UserFactory())
    response, _n = get(client, url)
    assert response["X-Page-Cache"] == "miss" and "♥ 1" in response.content.decode()


def test_a_published_or_hidden_idea_drops_the_cached_pages(client, django_capture_on_commit_callbacks):
    from moderation.items import adapter_for

    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest, published_at=None)
    url = f"{contest.url}ideas/"
    assert idea.reference not in get(client, url)[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        adapter_for(idea).publish(idea)
    assert idea.reference in get(client, url)[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        adapter_for(idea).hide(idea)
    assert idea.reference not in get(client, url)[0].content.decode()


def test_logged_in_users_get_fresh_pages(client):
    contest = make_contest("submission")
    url = f"{contest.url}ideas/"
    client.force_login(UserFactory())
    get(client, url)
    response, queries = get(client, url)
    assert "X-Page-Cache" not in response and queries > 0


def test_a_matching_etag_gets_304(client):
    contest = make_contest("submission")
    url = f"{contest.url}ideas/"
    etag = get(client, url)[0]["ETag"]
    assert get(client, url, if_none_match=etag)[0].status_code == 304
    assert get(client, url, if_none_match='"other"')[0].status_code == 200


def test_a_page_is_never_kept_past_the_next_phase_boundary():
    now = timezone.now()
    soon = (now + timedelta(seconds=42)).timestamp()
    later = (now + timedelta(days=3)).timestamp()
    past = (now - timedelta(days=1)).timestamp()
    assert page_ttl([past, soon, later], now=now, limit=300) == 42
    assert page_ttl([past, later], now=now, limit=300) == 300
    assert page_ttl([past], now=now, limit=300) == 300


def test_a_contest_page_published_drops_the_cached_pages(client, django_capture_on_commit_callbacks):
    contest = make_contest("submission")
    get(client, contest.url)
    contest.intro = "새 소개 문구"
    with django_capture_on_commit_callbacks(execute=True):
        contest.save_revision().publish()
    assert "새 소개 문구" in get(client, contest.url)[0].content.decode()


def test_an_api_read_with_a_bearer_token_is_never_cached_for_anonymous_visitors(client):
    """The token's owner reads their unpublished idea; an anonymous visitor asking the same URL
    must not get that answer from the cache (the session user is anonymous on both requests)."""
    from wagtail.models import APIToken

    idea = IdeaFactory(published_at=None)
    _token, key = APIToken.create_token(user=idea.author, name="test")
    url = f"/api/v1/ideas/{idea.reference}"
    mine, _n = get(client, url, Authorization=f"Bearer {key}")
    assert mine.status_code == 200 and "X-Page-Cache" not in mine
    assert client.get(url).status_code == 404
