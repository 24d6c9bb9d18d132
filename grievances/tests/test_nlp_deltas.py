"""The deltas of the saved NLP models on grievances (`nlp.adapter`): the persisted similarity index and the
saved routing model read the posts changed since the refit through one cursor (`_Changes`), apply a post
committed late with an older timestamp inside the margin, never read again a post already applied as it
is, and drop merged or deleted posts at the next look that counts. Sentences written for these tests."""

from datetime import timedelta

import pytest
from django.db.models.signals import post_init
from django.utils import timezone

from grievances.models import Grievance
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, IndustryFactory
from ideas.tests.factories import UserFactory
from nlp import adapter
from nlp.corpora import corpus_named

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

TAXI = [
    ("택시 휴게 공간 부족", "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 없어 길가에서 쉽니다."),
    ("차고지 택시 쉼터", "야간 근무를 마친 택시 기사들이 차고지에서 쉴 곳이 없습니다. 택시 쉼터가 필요합니다."),
]
MARKET = [
    ("전통시장 주차장", "전통시장 주차장이 좁아 손님들이 골목에 차를 댑니다. 공영 주차장을 늘려 주세요."),
    ("시장 배송 지원", "전통시장 상인들이 배송 인력이 없어 온라인 주문을 받지 못합니다. 공동 배송을 지원해 주세요."),
]
PARK = ("공원 가로등 고장", "공원 산책로 가로등이 꺼져 밤에 어둡습니다. 가로등을 고쳐 주세요.")


@pytest.fixture
def depts():
    return {"taxi": DepartmentFactory(name="택시물류과", slug="taxi"), "markets": DepartmentFactory(slug="markets")}


def grievance(title, body, department=None, **kw):
    return GrievanceFactory(
        title=title,
        title_public=title,
        body=body,
        body_public=body,
        department=department,
        route_confirmed=bool(department),
        **kw,
    )


def corpus():
    return corpus_named("grievances")


def published(monkeypatch):
    """The refit (index and router saved), then a process started after it (its own caches) that looks once."""
    adapter.index_publish(corpus())
    adapter.router_publish(corpus())
    monkeypatch.setattr(adapter, "_caches", {})
    monkeypatch.setattr(adapter, "_counts", {})
    return look()


def look():
    return adapter.index_for(corpus()), adapter.router_for(corpus())


def same(looked, models) -> bool:
    """The loaded models themselves (brought up to date in place), not rebuilt or fitted again."""
    return all(a is b for a, b in zip(looked, models, strict=True))


def similar(text):
    return [pk for pk, _ in adapter.similar_to_text(corpus="grievances", text=text, k=10)]


class RowsRead:
    """Counts the grievances instantiated from database rows (``post_init``) inside the block."""

    def __enter__(self):
        self.n = 0
        post_init.connect(self._seen, sender=Grievance)
        return self

    def _seen(self, **_kw):
        self.n += 1

    def __exit__(self, *exc):
        post_init.disconnect(self._seen, sender=Grievance)


def test_the_index_and_the_router_read_their_deltas_through_one_cursor(index_dir, depts, monkeypatch):
    for title, body in TAXI:
        grievance(title, body, depts["taxi"])
    index, router = published(monkeypatch)
    cache = adapter._cache(corpus())
    assert isinstance(cache.index_changes, adapter._Changes) and isinstance(cache.route_changes, adapter._Changes)
    assert cache.index_changes is not cache.route_changes

    consumers = []
    real = adapter._Changes.read

    def read(self, *args, **kwargs):
        consumers.append("index" if self is cache.index_changes else "router" if self is cache.route_changes else "?")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(adapter._Changes, "read", read)
    g = grievance(*MARKET[0], depts["markets"])
    assert same(look(), (index, router))  # the loaded models, brought up to date, not rebuilt or fitted
    assert consumers == ["index", "router"]
    assert index.position(g.pk) is not None and router.in_history(g.pk)


def test_a_post_committed_late_with_an_older_timestamp_inside_the_margin_is_applied(index_dir, depts, monkeypatch):
    first = grievance(*TAXI[0], depts["taxi"])
    Grievance.objects.filter(pk=first.pk).update(updated_at=first.updated_at - timedelta(seconds=40))
    first.refresh_from_db()
    grievance(*TAXI[1], depts["taxi"])
    index, router = published(monkeypatch)
    newest = grievance(*MARKET[0], depts["markets"])
    look()
    # an edit (re-routed, new text) whose transaction began before `newest` was saved and committed after
    # the look above: its timestamp is older than the newest change seen, by less than the margin
    late = newest.updated_at - timedelta(seconds=20)
    assert late > first.updated_at
    Grievance.objects.filter(pk=first.pk).update(
        department=depts["markets"], title_public=PARK[0], body_public=PARK[1], updated_at=late
    )
    assert same(look(), (index, router))  # nothing else changed: the signature is the same, no look yet
    grievance(*MARKET[1])  # the next change: this look reads the window again
    look()
    assert similar("공원 산책로 가로등 고장")[0] == first.pk  # the late edit's text, in the index
    col = router._routes[router.index_.position(first.pk)]
    assert router.classes_[col] == "markets"  # and its new department, in the router


def test_after_a_bulk_import_further_looks_read_no_post_already_applied(index_dir, depts, monkeypatch):
    for title, body in TAXI + MARKET:
        grievance(title, body, depts["taxi"])
    index, router = published(monkeypatch)
    author, industry = UserFactory(), IndustryFactory()
    imported = [
        GrievanceFactory.build(
            author=author,
            industry=industry,
            title=f"{t} {n}",
            title_public=f"{t} {n}",
            body_public=b,
            department=depts["taxi"],
            route_confirmed=True,
        )
        for n in range(adapter.DELTA_KEYS_FIRST // 2 + 10)
        for t, b in TAXI
    ]
    imported = Grievance.objects.bulk_create(imported)  # 120 posts in one statement, all inside the margin
    with RowsRead() as read:
        look()
    # each consumer reads the window once, less the 4 posts of the refit it holds as they are (left out
    # by the statement: few rows applied), and applies each imported post once
    assert read.n == 2 * len(imported)
    assert all(router.in_history(g.pk) and index.position(g.pk) is not None for g in imported)
    for n in range(3):  # N further looks, each after one new post: only that post is read
        g = grievance(f"{PARK[0]} {n}", PARK[1], depts["markets"])
        with RowsRead() as read:
            assert same(look(), (index, router))
        assert read.n == 2  # the new post, once per consumer (not the 120 still inside the margin)
        assert router.in_history(g.pk) and index.position(g.pk) is not None
    held = adapter._cache(corpus()).route_changes.applied
    assert len(held) == len(imported) + 3 + 4  # what was applied inside the margin, nothing older


def test_merged_and_deleted_posts_leave_the_index_and_the_router_at_the_next_counting_look(
    index_dir, depts, monkeypatch
):
    taxi = [grievance(t, b, depts["taxi"]) for t, b in TAXI]
    market = [grievance(t, b, depts["markets"]) for t, b in MARKET]
    index, router = published(monkeypatch)
    assert router.in_history(taxi[1].pk) and router.in_history(market[0].pk)

    Grievance.objects.filter(pk=taxi[1].pk).update(merged_into=taxi[0])  # a merge: no timestamp
    Grievance.objects.filter(pk=market[0].pk).delete()
    assert same(look(), (index, router))  # test settings: every look counts (IDEAS_NLP_RECOUNT_SECONDS = 0)
    for pk in (taxi[1].pk, market[0].pk):
        assert not router.in_history(pk) and index.position(pk) is None
    assert router.in_history(taxi[0].pk) and index.position(market[1].pk) is not None
    assert len(index) == Grievance.objects.filter(merged_into__isnull=True).count() == 2
    assert taxi[1].pk not in similar("차고지 택시 기사 쉼터")


def test_during_a_rush_each_look_reads_only_the_new_post(index_dir, depts, monkeypatch):
    for title, body in TAXI + MARKET:
        grievance(title, body, depts["taxi"])
    index, router = published(monkeypatch)
    posts = []
    for n in range(6):  # one post after another, all inside the margin, each followed by a look
        posts.append(grievance(f"{PARK[0]} {n}", f"{PARK[1]} ({n})", depts["markets"]))
        with RowsRead() as read:
            assert same(look(), (index, router))
        assert read.n == 2  # the new post, once per consumer; not the ones before it, nor the refit's
    held = adapter._cache(corpus()).route_changes.applied
    assert all(router.in_history(g.pk) and index.position(g.pk) is not None and g.pk in held for g in posts)
    # an applied post edited again (a new changed value) is read again
    Grievance.objects.filter(pk=posts[0].pk).update(body_public="공원 화장실 청소 인력", updated_at=timezone.now())
    with RowsRead() as read:
        look()
    assert read.n == 2 and similar("공원 화장실 청소 인력")[0] == posts[0].pk


def test_a_stamp_is_exact_and_gives_the_value_back():
    from datetime import UTC, datetime

    for value in [
        datetime(2026, 12, 4, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 12, 4, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2038, 1, 19, 3, 14, 8, 123457, tzinfo=UTC),
        timezone.now(),
    ]:
        assert adapter._unstamp(adapter._stamp(value)) == value
