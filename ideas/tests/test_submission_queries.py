"""A new idea costs the same number of SQL statements whatever the size of the corpus: the web request
(`idea_submit`: screening with the NLP duplicate check) and the worker's analysis (`item_analyse`: tags,
similar ideas, duplicate, track, nearest cluster, stored, links of the field posts near it), measured
as in production, with the persisted index and the saved classifier of a refit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.tests.factories import GrievanceFactory
from ideas.models import Idea
from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, UserFactory, make_contest
from nlp import adapter
from nlp.corpora import corpora, corpus_named
from nlp.models import ItemLink

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

TOPICS = [
    "어르신 돌봄 말벗 안부 확인",
    "청년 창업 공유 주방 배달",
    "버스 정류장 온열 의자 설치",
    "한강 공원 분리수거 재활용",
    "중장년 재취업 교육 연결",
    "따릉이 자전거 정비소 고용",
    "어린이 보호구역 신호등 단속",
    "전통시장 주차장 확충 상인",
    "미세먼지 학교 공기청정기 교체",
    "반려견 놀이터 산책로 조성",
    "야간 택시 기사 휴게 공간",
    "장애인 저상버스 노선 확대",
]
#: Statements of one submission and of its analysis, the same at 10 and at 60 ideas. In tests Wagtail's
#: reference index is updated inline (2 saves of the idea: 2 reads of it and of its references, with
#: savepoints); in production each save queues one task instead. A change that adds one to either has
#: to say why here.
SUBMIT_STATEMENTS = 31
#: PostgreSQL has one more: the full-text `search_vector` UPDATE (`ideas.search.search_index_update`).
ANALYSE_STATEMENTS = {"sqlite": 25, "postgresql": 26}


def _text(i: int) -> tuple[str, str]:
    a, b = TOPICS[i % len(TOPICS)], TOPICS[(i * 5 + 3) % len(TOPICS)]
    return f"{a} 제안 {i}", f"{a}. 그리고 {b} 사업을 구마다 함께 추진해 일자리를 만들어 주세요 ({i}번째)."


@pytest.fixture
def index_dir(index_dir, settings, monkeypatch):
    # As in production: a process counts a corpus's live items at most every few seconds (the warm-up
    # counted; the clock stands still, so the submission below falls inside that interval).
    settings.IDEAS_NLP_RECOUNT_SECONDS = 5
    monkeypatch.setattr(adapter, "_clock", lambda: 0.0)
    adapter.reset_caches()
    yield settings.IDEAS_NLP_INDEX_DIR
    adapter.reset_caches()


def _started(size: int):
    """A site with ``size`` ideas and a few field posts after a refit (index and classifier saved), and
    a process that has warmed up as a worker does at its start."""
    tracks = [
        PolicyTrackFactory(slug="care", name="돌봄", description="어르신 돌봄 말벗 안부", keywords="어르신, 돌봄"),
        PolicyTrackFactory(slug="startup", name="창업", description="청년 창업 공유 주방", keywords="창업, 청년"),
    ]
    contest = make_contest("submission", tracks=tracks)
    for i in range(size):
        title, body = _text(i)
        IdeaFactory(
            contest=contest,
            reference=f"seed-{i}",  # not the year-and-number form a submission takes
            title_public=title,
            summary_public="",
            body_public=body,
            track=tracks[i % 2],
        )
    for i in range(4):
        GrievanceFactory(title_public=TOPICS[i], body_public=f"{TOPICS[i]} 문제가 있습니다. {TOPICS[i + 4]}")
    for corpus in corpora():
        adapter.index_publish(corpus)
        adapter.classifier_publish(corpus)
    adapter.reset_caches()  # a new process
    adapter.warm_up()
    adapter.classifier_for(corpus_named("ideas"))
    return contest


def _submit_and_analyse(contest) -> tuple[int, int, Idea]:
    data = IdeaData(
        title="어르신 돌봄 말벗 새 제안",
        summary="홀로 사는 어르신 안부 확인",
        body="홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 돌봄 일자리를 구마다 만들어 주세요.",
        track=None,
        target_group="youth",
        district="seoul",
    )
    author = UserFactory()
    with CaptureQueriesContext(connection) as submitted:
        idea = idea_submit(contest=contest, author=author, data=data)
    with CaptureQueriesContext(connection) as analysed:
        adapter.item_analyse(model_label="ideas.Idea", pk=idea.pk)
    return len(submitted.captured_queries), len(analysed.captured_queries), idea


@pytest.mark.parametrize("size", [10, 60])
def test_a_submission_and_its_analysis_cost_the_same_statements_at_10_and_at_60_ideas(index_dir, size):
    contest = _started(size)
    assert not ItemLink.objects.exists()  # the refit above stored no links: the analysis below does
    submit, analyse, idea = _submit_and_analyse(contest)
    assert (submit, analyse) == (SUBMIT_STATEMENTS, ANALYSE_STATEMENTS[connection.vendor]), (submit, analyse)
    # and it did the whole work: stored, tagged, similar ideas, suggested track, the links of the field
    # posts near it refreshed (whether the new idea is among a post's best 5 depends on the corpus)
    idea.refresh_from_db()
    assert idea.analysed_at is not None and idea.suggested_track is not None
    assert idea.tags.exists() and idea.similarities.exists()
    assert ItemLink.objects.filter(source_corpus="grievances", target_corpus="ideas").exists()


class _CountingTagger:
    """The real MeCab tagger, counting the texts it parses."""

    def __init__(self, tagger):
        self.tagger, self.parsed = tagger, []

    def parse(self, text):
        self.parsed.append(text)
        return self.tagger.parse(text)


def test_the_request_and_the_analysis_each_read_the_new_idea_with_one_morphological_pass(index_dir, monkeypatch):
    contest = _started(10)
    analyzer = adapter._analyzer()
    counting = _CountingTagger(analyzer._tagger)
    monkeypatch.setattr(analyzer, "_tagger", counting)
    _, _, idea = _submit_and_analyse(contest)
    text = corpus_named("ideas").text(idea)
    # the request (the index's delta adding the idea, the duplicate check) one pass; the worker's
    # analysis (the delta, tags, similar ideas, re-posts, track, the field posts near it) one more —
    # a pass per step before (8 in all, on the same test)
    assert counting.parsed.count(text) == 2, counting.parsed.count(text)
    others = [t for t in counting.parsed if t != text]
    assert len(others) == len(set(others))  # the title (search), each field post near it: once each
