"""What a cold list page costs: narrow rows, ids before rows on deep pages, the partial indexes of the
public ideas, and cards that translate and reverse once (issue 13, cold pages at 100,000 ideas)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from ideas import selectors
from ideas.choices import District, IdeaStatus, TargetGroup
from ideas.models import HomePage, Idea
from ideas.tests.factories import IdeaFactory, make_contest

pytestmark = pytest.mark.django_db


def ideas_in(contest, n, **kw):
    now = timezone.now()
    return [
        IdeaFactory(contest=contest, published_at=now - timedelta(minutes=i), search_index=False, **kw)
        for i in range(n)
    ]


def list_select(captured) -> str:
    """The statement that reads the page's ideas (not the count, not the prefetches)."""
    found = [
        q["sql"]
        for q in captured
        if 'FROM "ideas_idea"' in q["sql"] and "COUNT(" not in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert found, [q["sql"][:120] for q in captured]
    return found[-1]


def test_the_list_reads_no_bodies_search_columns_or_page_content(client):
    contest = make_contest("submission")
    ideas_in(contest, 3)
    client.get(f"{contest.url}ideas/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{contest.url}ideas/").status_code == 200
    sql = list_select(ctx.captured_queries)
    for column in ("body", "body_public", "search_vector", "search_tokens", "search_title", "official_answer"):
        assert f'"ideas_idea"."{column}"' not in sql
    # The contest comes with what its URL and phase need, not the Wagtail page's own columns and body.
    for column in ('"wagtailcore_page"."title"', '"wagtailcore_page"."seo_title"', '"ideas_contestpage"."body"'):
        assert column not in sql


@pytest.mark.parametrize("params", [{}, {"sort": "support"}, {"district": "mapo"}, {"q": "청년"}], ids=str)
@override_settings(IDEAS_LIST_PAGE_SIZE=3)
def test_a_later_page_shows_the_same_ideas_as_the_plain_offset(client, params):
    contest = make_contest("submission")
    ideas = ideas_in(contest, 8)
    for k, idea in enumerate(ideas):
        Idea.objects.filter(pk=idea.pk).update(support_count=k % 3)
    from ideas.search import search_index_rebuild

    search_index_rebuild()
    qs = selectors.idea_list_public(filters=selectors.IdeaFilters(contest=contest, **params))
    expected = [i.reference for i in qs]
    assert len(expected) == 8
    for page in (2, 3):
        html = client.get(f"{contest.url}ideas/", {**params, "page": page}).content.decode()
        shown = [ref for ref in expected if ref in html]
        assert shown == expected[(page - 1) * 3 : page * 3]
        body = client.get("/api/v1/ideas", {**params, "contest": contest.pk, "page": page, "page_size": 3}).json()
        assert [i["reference"] for i in body["items"]] == expected[(page - 1) * 3 : page * 3]


def test_a_later_page_skips_the_offset_over_ids_then_reads_only_its_rows(client):
    from ideas.paging import page_rows

    contest = make_contest("submission")
    ideas_in(contest, 5)
    qs = selectors.idea_list_public(contest=contest)
    sql = str(page_rows(qs, 2, 2).query)
    inner = sql[sql.index("IN (SELECT") :]
    assert "OFFSET 2" in inner and "LIMIT 2" in inner and '"ideas_idea"."summary_public"' not in inner
    assert [i.pk for i in page_rows(qs, 2, 2)] == [i.pk for i in qs][2:4]
    fresh = selectors.idea_list_public(contest=contest)
    assert str(page_rows(fresh, 0, 2).query).count("SELECT") == 1  # the first page needs no detour


def render_card(idea, **extra) -> str:
    request = RequestFactory().get("/")
    tpl = Template('{% include "includes/idea_card.html" %}')
    return tpl.render(Context({"idea": idea, "request": request, "supported_ids": set(), **extra}))


def test_card_labels_come_from_the_choices():
    contest = make_contest("submission")
    for status, district, group in [
        (IdeaStatus.REVIEWING, District.GANGNAM, TargetGroup.SENIORS),
        (IdeaStatus.SELECTED, District.MAPO, TargetGroup.YOUTH),
    ]:
        idea = IdeaFactory(contest=contest, status=status, district=district, target_group=group, search_index=False)
        html = render_card(selectors.idea_list_public(contest=contest).get(pk=idea.pk))
        for label in (status.label, district.label, group.label):
            assert str(label) in html


def test_card_tag_links_point_to_each_ideas_own_contest_list(client):
    one, two = make_contest("submission"), make_contest("submission")
    for contest in (one, two):
        idea = IdeaFactory(contest=contest, search_index=False)
        idea.tags.add(f"태그-{contest.slug}")
    html = client.get(HomePage.objects.get().url).content.decode()
    for contest in (one, two):
        assert f'href="{contest.url}ideas/?tag=%ED%83%9C%EA%B7%B8-{contest.slug}"' in html


PARTIAL_LIST_INDEXES = {
    "idea_latest",
    "idea_support",
    "idea_contest_latest",
    "idea_contest_support",
    "idea_contest_district",
    "idea_contest_target",
    "idea_contest_track",
    "idea_contest_status",
}


def count_plan(qs) -> tuple[str, set[str], set[str]]:
    """The plan of the list's capped count, the list indexes it uses, and those that are partial."""
    sql, params = qs.order_by().values("pk")[:10001].query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_bitmapscan = off")
            cur.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(r[0] for r in cur.fetchall())
            cur.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indpred IS NOT NULL"
            )
            partial = {r[0] for r in cur.fetchall()}
        else:
            cur.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(r[-1]) for r in cur.fetchall())
            cur.execute("PRAGMA index_list(ideas_idea)")
            partial = {r[1] for r in cur.fetchall() if r[4]}
    used = {name for name in PARTIAL_LIST_INDEXES if name in plan}
    return plan, used, partial


@pytest.mark.parametrize(
    "params",
    [{}, {"district": "mapo"}, {"target_group": "youth"}, {"status": "reviewing"}, {"track": "x"}],
    ids=str,
)
def test_the_capped_count_reads_only_a_partial_index_of_the_public_ideas(params):
    contest = make_contest("submission")
    ideas_in(contest, 3)
    if "track" in params:
        params = {"track": contest.tracks.get().slug}
    plan, used, partial = count_plan(
        selectors.idea_list_public(filters=selectors.IdeaFilters(contest=contest, **params))
    )
    assert PARTIAL_LIST_INDEXES <= partial  # the hidden, withdrawn and unpublished rows are not in them
    if connection.vendor == "postgresql":  # and the list's WHERE implies theirs, so the count reads one
        assert used, plan
        assert params or "Index Only Scan" in plan, plan  # (a filter's pick of index depends on statistics)
