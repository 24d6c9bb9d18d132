"""The NLP module in the site: submission → analysis stored; failures never lose a submission;
reviewer corrections are the labels of the next fit; Korean search and similar-while-writing."""

import pytest

from ideas.models import Idea, IdeaTag
from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import PolicyTrackFactory, UserFactory, make_contest, moderator
from moderation.services import screening_approve
from nlp import MODEL_VERSION
from nlp.adapter import corpus_refit

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

STARTUP = dict(
    slug="startup",
    name="창업지원",
    description="청년 창업 공간과 창업 자금, 멘토링",
    keywords="창업, 스타트업, 창업공간",
)
SENIOR = dict(
    slug="seniors", name="어르신 일자리", description="어르신과 노인의 공공 일자리, 돌봄", keywords="어르신, 노인, 돌봄"
)


@pytest.fixture
def contest():
    return make_contest("submission", tracks=[PolicyTrackFactory(**STARTUP), PolicyTrackFactory(**SENIOR)])


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    """Run the analysis task the submission schedules after its commit, as production does."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def submit(contest, title, body, track=None, author=None):
    data = IdeaData(title=title, summary=title, body=body, track=track, target_group="all", district="seoul")
    with _capture(execute=True):
        idea = idea_submit(contest=contest, author=author or UserFactory(), data=data)
    idea.refresh_from_db()
    return idea


def test_submission_stores_tokens_tags_track_and_version(contest):
    idea = submit(contest, "청년 창업 공간 지원", "빈 상가를 청년 창업팀에게 빌려주고 창업 멘토링을 제공합니다.")
    assert idea.analysed_at is not None and idea.nlp_version == MODEL_VERSION and idea.analysis_error == ""
    assert "창업" in idea.search_tokens.split()
    tags = IdeaTag.objects.filter(content_object=idea, source=IdeaTag.Source.MACHINE)
    assert 3 <= tags.count() <= 8
    assert all(0 <= t.confidence <= 1 and t.model_version == MODEL_VERSION for t in tags)
    assert all(t.tag.name in idea.title + idea.body for t in tags)
    assert idea.suggested_track.slug == "startup" and 0 <= idea.suggested_track_score <= 1


def test_similar_ideas_and_a_repost_are_linked(contest):
    moderator_user = moderator()
    original = submit(
        contest,
        "어르신 돌봄 이웃 일자리",
        "건강한 어르신이 홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 일자리를 만듭니다.",
    )
    screening_approve(item=original, actor=moderator_user)
    submit(contest, "청년 창업 공간", "빈 상가를 청년 창업팀에 빌려줍니다.")
    repost = submit(
        contest,
        "어르신돌봄 이웃일자리",
        "안녕하세요 다시 올립니다. 건강한 어르신이 홀로사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 일자리를 만듭니다.",
    )
    assert repost.duplicate_of_id == original.pk and repost.duplicate_score >= 0.5
    assert repost.similarities.order_by("-score").first().other_id == original.pk


def test_analysis_failure_never_loses_the_submission(contest, settings):
    settings.IDEAS_NLP_ANALYZER = "no-such-analyser"
    from nlp import adapter

    adapter.reset_caches()
    idea = submit(contest, "어르신 안전 지킴이", "어르신이 등하굣길 안전을 살핍니다.")
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert idea.analysis_error and idea.analysed_at is None
    settings.IDEAS_NLP_ANALYZER = "mecab"
    summary = corpus_refit()
    idea.refresh_from_db()
    assert summary["retried"] == 1 and idea.analysis_error == "" and idea.analysed_at is not None


def test_a_reviewer_correction_is_a_label_at_the_next_fit(contest):
    startup, seniors = contest.tracks.get(slug="startup"), contest.tracks.get(slug="seniors")
    # An idea about a topic neither seed describes: the reviewer files it under 어르신 일자리.
    corrected = submit(
        contest, "한강 자전거 수리 거점", "한강 공원 자전거 수리 거점을 만들어 수리 기술을 나눕니다.", track=startup
    )
    Idea.objects.filter(pk=corrected.pk).update(track=seniors, track_confirmed=True)
    corpus_refit()
    twin = submit(contest, "한강 자전거 수리 거점 확대", "한강 공원 자전거 수리 거점을 늘려 수리 기술을 나눕니다.")
    assert twin.suggested_track == seniors


def test_korean_search_uses_analysed_tokens(client, contest):
    idea = submit(contest, "서울시는 일자리를 늘려야", "서울시는 청년 일자리를 늘려야 합니다.")
    screening_approve(item=idea, actor=moderator())
    for q in ("서울시", "일자리"):
        html = client.get(f"{contest.url}ideas/", {"q": q}).content.decode()
        assert idea.reference in html


def test_similar_published_ideas_while_writing(client, contest):
    staff = moderator()
    shown = submit(contest, "어르신 돌봄 이웃 일자리", "건강한 어르신이 홀로 사는 어르신을 돌보는 일자리입니다.")
    screening_approve(item=shown, actor=staff)
    hidden = submit(contest, "어르신 돌봄 방문 일자리", "어르신이 홀로 사는 어르신 집을 방문해 돌보는 일자리입니다.")
    response = client.get(
        "/ideas/similar/",
        {"title": "어르신 돌봄 일자리", "body": "홀로 사는 어르신을 돌보는 어르신 일자리를 제안합니다."},
    )
    refs = [r["reference"] for r in response.json()["results"]]
    assert shown.reference in refs and hidden.reference not in refs and len(refs) <= 5
    assert client.get("/ideas/similar/", {"title": "짧", "body": ""}).json()["results"] == []
