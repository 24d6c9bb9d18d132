"""Listings run a constant number of queries, whatever the number of ideas on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from ideas.models import Support
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest

pytestmark = pytest.mark.django_db


def _ideas(contest, n):
    fan = UserFactory()
    for i in range(n):
        idea = IdeaFactory(contest=contest)
        idea.tags.add(Tag.objects.get_or_create(name=f"태그{i % 3}")[0])
        if i % 2:
            Support.objects.create(idea=idea, user=fan)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("phase", ["submission", "review", "results"])
def test_the_api_idea_list_does_not_grow_with_the_page(client, phase):
    contest = make_contest(phase)
    _ideas(contest, 3)
    few = _count(client, "/api/v1/ideas?page_size=20")
    _ideas(contest, 12)
    many = _count(client, "/api/v1/ideas?page_size=20")
    assert len(client.get("/api/v1/ideas?page_size=20").json()["items"]) == 15
    assert many == few


def test_the_public_idea_list_page_does_not_grow_with_the_page(client):
    contest = make_contest("submission")
    _ideas(contest, 3)
    few = _count(client, f"{contest.url}ideas/")
    _ideas(contest, 9)
    assert _count(client, f"{contest.url}ideas/") == few
