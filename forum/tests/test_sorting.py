"""The three orders of a topic's opinions, on a fixed set, and their bounded cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.selectors import opinion_list, opinion_page
from forum.tests.factories import make_opinion, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_set():
    """찬성 F1..F4 (공감 5, 3, 1, 0), 반대 A1 (2), 제안 P1 (4), P2 (0), no 자유; written oldest first."""
    topic = make_topic()
    made = {}
    for name, position, support in [
        ("F1", "for", 5),
        ("A1", "against", 2),
        ("F2", "for", 3),
        ("P1", "proposal", 4),
        ("F3", "for", 1),
        ("P2", "proposal", 0),
        ("F4", "for", 0),
    ]:
        made[name] = make_opinion(topic, body=f"{name} 의견입니다.", position=position, support_count=support)
    hidden = make_opinion(topic, body="숨김 의견", position="against", support_count=99)
    hidden.hidden_at = hidden.published_at
    hidden.save()
    make_opinion(topic, body="검토 대기 의견", position="against", published_at=None)
    return topic, {o.pk: n for n, o in made.items()}


def _names(qs, names):
    return [names[o.pk] for o in qs]


def test_balanced_alternates_positions_round_by_round_and_skips_a_position_that_ran_out(fixed_set):
    topic, names = fixed_set
    assert _names(opinion_list(topic=topic, sort="balanced"), names) == ["F1", "A1", "P1", "F2", "P2", "F3", "F4"]


def test_balanced_pages_continue_the_same_order(fixed_set):
    topic, names = fixed_set
    pages = [_names(opinion_page(topic=topic, sort="balanced", page=n, page_size=3), names) for n in (1, 2, 3)]
    assert pages == [["F1", "A1", "P1"], ["F2", "P2", "F3"], ["F4"]]


def test_newest_and_most_support(fixed_set):
    topic, names = fixed_set
    assert _names(opinion_list(topic=topic, sort="newest"), names) == ["F4", "P2", "F3", "P1", "F2", "A1", "F1"]
    assert _names(opinion_list(topic=topic, sort="support"), names) == ["F1", "P1", "F2", "A1", "F3", "F4", "P2"]


def test_an_unknown_sort_is_newest(fixed_set):
    topic, names = fixed_set
    assert _names(opinion_page(topic=topic, sort="<script>", page=1), names)[0] == "F4"


@pytest.mark.parametrize("sort", ["newest", "support", "balanced"])
def test_a_page_costs_the_same_number_of_queries_whatever_the_opinions(sort):
    topic = make_topic()

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            page = opinion_page(topic=topic, sort=sort, page=1, page_size=20)
            [list(o.public_replies) for o in page.object_list]
        return len(ctx.captured_queries)

    make_opinion(topic, position="for")
    small = cost()
    for i in range(30):
        parent = make_opinion(topic, position=["for", "against", "proposal", "free"][i % 4], body=f"의견 {i}")
        make_opinion(topic, parent=parent, body=f"답글 {i}")
    assert cost() == small <= 3
