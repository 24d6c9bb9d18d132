"""Korean search through the index: the query is analysed like the text (both databases)."""

import pytest
from django.core.management import call_command

from ideas import selectors
from ideas.models import Idea
from ideas.search import analyse_query
from ideas.tests.factories import IdeaFactory, make_contest


def found(contest, q, **kw) -> list[str]:
    f = selectors.IdeaFilters(contest=contest, q=q, **kw)
    return list(selectors.idea_list_public(filters=f).values_list("reference", flat=True))


@pytest.fixture
def contest(db):
    return make_contest("submission")


@pytest.mark.parametrize(
    ("text", "queries"),
    [
        ("청년 창업 지원 공간", ["청년", "청년들", "청년들의", "청년을"]),
        ("한강 자전거 수리 거점을 만듭니다", ["자전거 수리", "자전거수리", "자전거를 수리"]),
        ("서울시는 일자리를 늘려야 합니다", ["서울시", "서울", "일자리", "일자리를"]),
    ],
)
def test_particles_plural_and_spacing_do_not_matter(contest, text, queries):
    hit = IdeaFactory(contest=contest, title="공모 제안", summary_public="요약", body_public=text)
    miss = IdeaFactory(contest=contest, title="공원 청소 봉사", summary_public="공원", body_public="공원 청소 봉사")
    for q in queries:
        refs = found(contest, q)
        assert hit.reference in refs, q
        assert miss.reference not in refs, q


def test_the_query_is_analysed_like_the_text():
    assert analyse_query("청년들").terms == ("청년",)
    assert analyse_query("자전거수리").terms == analyse_query("자전거 수리").terms == ("자전거", "수리")


def test_every_term_must_match(contest):
    both = IdeaFactory(contest=contest, title="제안", body_public="어르신 돌봄 일자리")
    one = IdeaFactory(contest=contest, title="제안", body_public="어르신 산책 모임")
    refs = found(contest, "어르신 돌봄")
    assert both.reference in refs and one.reference not in refs


def test_title_hit_ranks_above_body_hit_and_exact_phrase_above_scattered_terms(contest):
    # the better match is the older one each time: the newest-first order alone would put it second
    title = IdeaFactory(contest=contest, title="목공 교육 마을 공방", body_public="동네 사람들이 모입니다")
    body = IdeaFactory(contest=contest, title="동네 제안", body_public="마을 공방에서 목공 교육을 합니다")
    assert found(contest, "목공")[:2] == [title.reference, body.reference]
    phrase = IdeaFactory(contest=contest, title="자전거 수리 협동조합", body_public="수리 기술을 나눕니다")
    scattered = IdeaFactory(contest=contest, title="공유 자전거와 전기 수리", body_public="자전거. 가전 수리.")
    assert found(contest, "자전거 수리")[:2] == [phrase.reference, scattered.reference]


def test_a_chosen_sort_overrides_relevance(contest):
    a = IdeaFactory(contest=contest, title="목공 교육", body_public="목공")
    b = IdeaFactory(contest=contest, title="제안", body_public="목공 교실")
    Idea.objects.filter(pk=b.pk).update(support_count=5)
    assert found(contest, "목공", sort="support") == [b.reference, a.reference]


def test_tags_match(contest):
    from ideas.search import search_index_update

    idea = IdeaFactory(contest=contest, title="제안", body_public="내용")
    idea.tags.add("사회적경제")
    search_index_update(idea_ids=[idea.pk])
    assert idea.reference in found(contest, "사회적경제")


def test_a_query_without_words_matches_the_title_as_written_and_never_fails(contest):
    idea = IdeaFactory(contest=contest, title="공간 2.0 !!")
    assert found(contest, "!!") == [idea.reference]
    assert found(contest, "%_\\'\"") == []


def test_update_index_makes_bulk_rows_searchable_and_is_idempotent(contest, capsys):
    idea = IdeaFactory(contest=contest, title="제안", body_public="도시 양봉 일자리", search_index=False)
    assert idea.reference not in found(contest, "양봉")
    call_command("update_index", "--ideas-only")
    assert idea.reference in found(contest, "양봉")
    call_command("update_index", "--ideas-only")
    assert "분석 0건, 벡터 0건" in capsys.readouterr().out.splitlines()[-1]


def test_search_results_page_marks_the_matched_terms(client, contest):
    IdeaFactory(contest=contest, title="청년 창업 공간", summary_public="청년들이 함께 쓰는 공간")
    html = client.get(f"{contest.url}ideas/", {"q": "청년들"}).content.decode()
    assert "<mark>청년</mark> 창업 공간" in html
    assert "<mark>청년</mark>들이 함께" in html
