"""Topics and opinions for tests: hostile text by default, so escaping is exercised."""

from datetime import timedelta

from django.utils import timezone

from core.experts import expert_grant
from forum.models import Opinion, TopicPage
from ideas.tests.factories import HOSTILE, UserFactory, contest_index, site_admin


def make_topic(*, state: str = "open", audience: str = "public", capacity=None, **kw) -> TopicPage:
    """A live topic that is `state` now: "open", "closed" or "upcoming"."""
    now = timezone.now()
    day = timedelta(days=1)
    opens, closes = {"open": (-3, 7), "closed": (-20, -5), "upcoming": (3, 10)}[state]
    n = TopicPage.objects.count()
    topic = TopicPage(
        title=kw.pop("title", f"{HOSTILE} 토론 주제 {n}"),
        slug=kw.pop("slug", f"topic-{n}"),
        question=kw.pop("question", f"{HOSTILE} 청년 일자리를 어떻게 늘릴까요?"),
        opens_at=now + opens * day,
        closes_at=now + closes * day,
        audience=audience,
        meeting_at=(now + 10 * day) if capacity is not None else None,
        meeting_place="서울시청 다목적홀" if capacity is not None else "",
        meeting_capacity=capacity,
        **kw,
    )
    contest_index().add_child(instance=topic)
    topic.save_revision().publish()
    return TopicPage.objects.get(pk=topic.pk)


def make_opinion(
    topic, *, author=None, body="청년 창업 공간을 늘려야 합니다.", position="for", parent=None, support_count=0, **kw
):
    """A published opinion written around the services (fixtures for reading tests)."""
    author = author or UserFactory()
    return Opinion.objects.create(
        topic=topic,
        author=author,
        body=body,
        body_public=body,
        position="" if parent else position,
        parent=parent,
        support_count=support_count,
        published_at=kw.pop("published_at", timezone.now()),
        **kw,
    )


def expert(affiliation: str = "서울연구원 일자리정책연구실", **kw):
    user = UserFactory(**kw)
    expert_grant(user=user, affiliation=affiliation, actor=site_admin())
    return user
