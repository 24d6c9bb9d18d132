"""The anonymous page cache drops the board when a field post is published, hidden or answered."""

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from grievances.services import grievance_answer, grievance_assign
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member
from ideas.tests.factories import moderator
from moderation.items import adapter_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache():
    cache.clear()
    with override_settings(IDEAS_PAGE_CACHE=True):
        yield
    cache.clear()


def test_publishing_hiding_and_answering_a_post_drop_the_cached_board(client, django_capture_on_commit_callbacks):
    post = GrievanceFactory(published_at=None)
    assert post.reference not in client.get("/field/").content.decode()
    assert client.get("/field/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        adapter_for(post).publish(post)
    assert post.reference in client.get("/field/").content.decode()

    dept = DepartmentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grievance_assign(grievance=post, department=dept, actor=moderator())
        grievance_answer(grievance=post, answer="쉼터를 짓겠습니다.", actor=department_member(dept))
    page = client.get(post.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "쉼터를 짓겠습니다" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        adapter_for(post).hide(post)
    assert post.reference not in client.get("/field/").content.decode()
