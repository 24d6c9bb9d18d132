"""The persisted similarity index on the Django side: the refit publishes a build, every process loads it
memory-mapped instead of building its own, and sees the items added, edited or withdrawn since (the delta
from the database) at its next look-up; a build that cannot be used is built again, never an error."""

import pytest
from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, make_contest
from nlp import adapter, index_store
from nlp.corpora import corpus_named

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

TEXTS = [
    ("어르신 돌봄 이웃 일자리", "건강한 어르신이 홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인합니다."),
    ("청년 공유 주방", "빈 상가를 고쳐 청년 창업팀이 함께 쓰는 공유 주방을 만들고 배달 일자리를 늘립니다."),
    ("심야 버스 노선 확대", "새벽에 퇴근하는 물류센터 근로자를 위해 심야 버스를 새벽 네 시까지 운행해 주세요."),
    ("한강 공원 분리수거", "한강 공원에 분리수거 쓰레기통을 더 설치하고 재활용 안내 일자리를 만들어 주세요."),
    ("중장년 재취업 교육", "퇴직한 중장년을 위한 재취업 교육과 일자리 연결 프로그램을 구마다 열어 주세요."),
]
NEW = ("따릉이 정비 일자리", "따릉이 자전거 정비소를 지하철역마다 두고 청년 정비사를 고용해 주세요.")


@pytest.fixture
def ideas():
    contest = make_contest("submission")
    return [IdeaFactory(contest=contest, title_public=t, summary_public="", body_public=b) for t, b in TEXTS]


def corpus():
    return corpus_named("ideas")


def as_other_process(monkeypatch):
    """A second process: its own caches (the build on disk and the database are what processes share)."""
    monkeypatch.setattr(adapter, "_caches", {})
    monkeypatch.setattr(adapter, "_counts", {})


def similar(text, k=10):
    return adapter.similar_to_text(corpus="ideas", text=text, k=k)


def test_a_process_loads_the_published_build_and_answers_as_a_build_of_its_own(index_dir, ideas, settings):
    path = adapter.index_publish(corpus())
    assert path is not None and index_store.current_name(index_dir / "ideas") == path.name
    loaded = [adapter.index_for(corpus()).query(f"{t} {b}", k=5) for t, b in TEXTS]
    assert sum(len(found) for found in loaded) > 2 * len(TEXTS)  # more than the item itself
    cache = adapter._cache(corpus())
    assert cache.build == path.name and cache.index.meta_["items"] == len(TEXTS)
    assert cache.idf is not None and cache.idf.get("어르신") is not None  # the tags' phrase IDF came with it

    settings.IDEAS_NLP_INDEX_DIR = None  # the same corpus built in this process, as without persistence
    adapter.reset_caches()
    built = [adapter.index_for(corpus()).query(f"{t} {b}", k=5) for t, b in TEXTS]
    # the same ids in the same order; the scores to float32 rounding (this build reads the rows unordered)
    assert [[pk for pk, _ in found] for found in built] == [[pk for pk, _ in found] for found in loaded]
    assert [[s for _, s in found] for found in built] == [pytest.approx([s for _, s in f], abs=1e-6) for f in loaded]
    assert adapter._cache(corpus()).build is None


def test_a_new_item_is_seen_by_every_process_without_a_refit(index_dir, ideas, monkeypatch):
    adapter.index_publish(corpus())
    assert similar("따릉이 자전거 정비소") == []  # process A, before
    as_other_process(monkeypatch)
    assert similar("따릉이 자전거 정비소") == []  # process B, before
    build = adapter._cache(corpus()).index

    idea = IdeaFactory(contest=ideas[0].contest, title_public=NEW[0], summary_public="", body_public=NEW[1])
    assert similar("따릉이 자전거 정비소")[0][0] == idea.pk  # B sees it on its next look-up
    assert adapter._cache(corpus()).index is build  # the loaded build with the delta on top, not rebuilt
    as_other_process(monkeypatch)
    assert similar("따릉이 자전거 정비소")[0][0] == idea.pk  # and so does a process started afterwards


def test_withdrawn_merged_and_edited_items_are_never_returned_from_a_loaded_build(index_dir, ideas, monkeypatch):
    adapter.index_publish(corpus())
    as_other_process(monkeypatch)
    care, kitchen, bus = ideas[0], ideas[1], ideas[2]
    assert care.pk in [pk for pk, _ in similar("어르신 돌봄 말벗 안부")]

    Idea.objects.filter(pk=care.pk).update(status=IdeaStatus.WITHDRAWN)  # a withdrawal (no timestamp bump)
    Idea.objects.filter(pk=kitchen.pk).update(merged_into=bus)
    Idea.objects.filter(pk=bus.pk).update(body_public="어린이 보호구역에 신호등과 과속 단속 카메라를 설치해 주세요.")
    Idea.objects.filter(pk=bus.pk).update(updated_at=timezone.now())  # an edit bumps updated_at

    for _process in range(2):
        found = {pk for text in [f"{t} {b}" for t, b in TEXTS] for pk, _ in similar(text)}
        assert care.pk not in found and kitchen.pk not in found
        assert bus.pk not in [pk for pk, _ in similar("물류센터 근로자 퇴근")]
        assert similar("어린이 보호구역 신호등 과속 카메라")[0][0] == bus.pk
        assert len(adapter._cache(corpus()).index) == Idea.objects.count() - 2
        as_other_process(monkeypatch)  # and in a process that loads the build afresh


def test_a_corrupt_build_is_built_again_in_process_never_an_error(index_dir, ideas):
    path = adapter.index_publish(corpus())
    data = (path / "block_data.npy").read_bytes()
    (path / "block_data.npy").write_bytes(data[:-8])
    assert similar("어르신 돌봄 말벗 안부")[0][0] == ideas[0].pk
    cache = adapter._cache(corpus())
    assert cache.build is None and path.name in cache.bad_builds
    # the next refit publishes a good build, which the process then uses
    fresh = adapter.index_publish(corpus())
    assert similar("어르신 돌봄 말벗 안부")[0][0] == ideas[0].pk
    assert adapter._cache(corpus()).build == fresh.name


def test_the_refit_publishes_the_build_and_reports_its_progress(index_dir, ideas, caplog):
    caplog.set_level("INFO", logger="nlp.adapter")
    summary = adapter.corpus_refit(name="ideas")
    assert summary["indexed"] == 1
    assert index_store.current_name(index_dir / "ideas") is not None
    progress = []
    adapter.index_publish(
        corpus(), chunk_size=2, progress=lambda done, total, stage: progress.append((stage, done, total))
    )
    # each pass reports in items: analysed (pass 1, "index"), then vectorised and written ("index_write")
    assert progress == [
        ("index", 2, 5), ("index", 4, 5), ("index", 5, 5),
        ("index_write", 2, 5), ("index_write", 4, 5), ("index_write", 5, 5),
    ]  # fmt: skip
    assert "NLP index ideas: 5/5 items analysed" in caplog.text
    builds = [p for p in (index_dir / "ideas").iterdir() if p.name.startswith("build-")]
    assert len(builds) == 2  # older builds are removed, the previous one kept


def test_the_command_publishes_the_builds_alone_without_analysing_anything_again(index_dir, ideas):
    # after a bulk load or on a first deployment: `manage.py nlp_refit --index-only`
    from io import StringIO

    from django.core.management import call_command

    from nlp.models import ItemAnalysis

    before = list(ItemAnalysis.objects.order_by("pk").values_list("pk", "analysed_at", "cluster"))
    out = StringIO()
    call_command("nlp_refit", "--index-only", stdout=out)
    assert index_store.current_name(index_dir / "ideas") is not None
    assert "ideas" in out.getvalue()
    assert list(ItemAnalysis.objects.order_by("pk").values_list("pk", "analysed_at", "cluster")) == before


def test_a_corpus_too_large_to_build_in_process_waits_for_the_published_build(index_dir, ideas, settings, caplog):
    # at city scale every web worker analysing every item itself would cost minutes of CPU and GBs each
    settings.IDEAS_NLP_INPROCESS_MAX = len(TEXTS) - 1
    assert adapter.index_for(corpus()) is None
    assert similar(f"{TEXTS[0][0]} {TEXTS[0][1]}") == []
    assert "no persisted build" in caplog.text
    adapter.index_publish(corpus())  # what the refit (or `nlp_refit --index-only`) leaves
    assert similar(f"{TEXTS[0][0]} {TEXTS[0][1]}")[0][0] == ideas[0].pk


def test_without_an_index_dir_nothing_is_persisted(settings, ideas):
    settings.IDEAS_NLP_INDEX_DIR = None
    assert adapter.index_publish(corpus()) is None
    assert adapter.corpus_refit(name="ideas")["indexed"] == 0


def test_the_nearest_clustered_items_vote_with_their_cosine_and_a_tie_goes_to_the_nearest():
    clusters = {1: (0, "돌봄"), 2: (1, "창업"), 3: (1, "창업"), 4: (2, "교통")}
    assert adapter.nearest_cluster([(1, 0.5), (2, 0.3), (3, 0.3)], clusters) == (1, "창업")  # 0.6 beats 0.5
    assert adapter.nearest_cluster([(1, 0.5), (2, 0.2), (3, 0.1)], clusters) == (0, "돌봄")
    assert adapter.nearest_cluster([(9, 0.9), (4, 0.3), (1, 0.3)], clusters) == (2, "교통")  # tie: the nearer
    assert adapter.nearest_cluster([(9, 0.9)], clusters) is None


def test_a_new_item_joins_the_cluster_of_its_nearest_items_without_a_refit(ideas):
    clustered = [(0, "어르신 · 돌봄"), (1, "청년 · 창업"), (2, "교통"), (3, "환경"), (0, "어르신 · 돌봄")]
    for idea, (cluster, label) in zip(ideas, clustered, strict=True):
        Idea.objects.filter(pk=idea.pk).update(cluster=cluster, cluster_label=label)
    idea = IdeaFactory(
        contest=ideas[0].contest,
        title_public="어르신 돌봄 재취업",
        summary_public="",
        body_public="퇴직한 중장년이 홀로 사는 어르신 집을 찾아가 안부를 확인하는 돌봄 일자리를 만들어 주세요.",
    )
    adapter.item_analyse(model_label="ideas.Idea", pk=idea.pk)
    idea.refresh_from_db()
    assert (idea.cluster, idea.cluster_label) == (0, "어르신 · 돌봄")
    Idea.objects.filter(pk=idea.pk).update(cluster=7, cluster_label="다른 묶음")
    adapter.item_analyse(model_label="ideas.Idea", pk=idea.pk)  # an item already clustered keeps it
    assert Idea.objects.get(pk=idea.pk).cluster == 7


# ---- the saved track classifier ------------------------------------------------------------------


@pytest.fixture
def tracks():
    from ideas.tests.factories import PolicyTrackFactory

    return [
        PolicyTrackFactory(slug="care", name="돌봄", description="어르신 돌봄 말벗 안부", keywords="어르신, 돌봄"),
        PolicyTrackFactory(slug="startup", name="창업", description="청년 창업 공유 주방", keywords="창업, 청년"),
    ]


def test_the_refit_saves_the_classifier_and_a_new_process_loads_it_instead_of_fitting(
    index_dir, ideas, tracks, monkeypatch
):
    from nlp import model_store

    adapter.classifier_publish(corpus())
    assert model_store.stamp(index_dir / "ideas", name=model_store.CLASSIFIER) is not None
    fitted = adapter.classifier_for(corpus())
    text = f"{TEXTS[0][0]} {TEXTS[0][1]}"
    expected = fitted.predict_with_score([text])

    as_other_process(monkeypatch)
    fits = []
    real_fit = adapter._fit_classifier
    monkeypatch.setattr(adapter, "_fit_classifier", lambda *a, **kw: fits.append(1) or real_fit(*a, **kw))
    loaded = adapter.classifier_for(corpus())
    assert loaded is not fitted and loaded.predict_with_score([text]) == expected  # the same answers
    IdeaFactory(contest=ideas[0].contest, title_public=NEW[0], summary_public="", body_public=NEW[1])
    assert adapter.classifier_for(corpus()) is loaded and fits == []  # a new item: no fit (until the refit)

    adapter.classifier_publish(corpus())  # the next refit saves another: every process switches to it
    as_other_process(monkeypatch)
    assert adapter.classifier_for(corpus()) is not loaded


def test_a_saved_classifier_of_other_tracks_or_a_broken_file_is_not_used(index_dir, ideas, tracks, monkeypatch):
    from nlp import model_store

    adapter.classifier_publish(corpus())
    tracks[0].description = "어르신 돌봄과 병원 동행"
    tracks[0].save()
    as_other_process(monkeypatch)
    fits = []
    real_fit = adapter._fit_classifier
    monkeypatch.setattr(adapter, "_fit_classifier", lambda *a, **kw: fits.append(1) or real_fit(*a, **kw))
    assert adapter.classifier_for(corpus()) is not None and fits == [1]  # fitted here, as without a saved one

    (index_dir / "ideas" / model_store.file_name(model_store.CLASSIFIER)).write_bytes(b"not a pickle")
    as_other_process(monkeypatch)
    assert adapter.classifier_for(corpus()) is not None and fits == [1, 1]


def test_a_process_counts_the_live_items_at_most_every_few_seconds_and_still_sees_a_new_item_at_once(
    index_dir, ideas, settings, monkeypatch
):
    """The signature's count reads every live item: taken at most every IDEAS_NLP_RECOUNT_SECONDS, so a
    withdrawal without a timestamp is seen within that time; a new item (a new last id) at the next look."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.IDEAS_NLP_RECOUNT_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(adapter, "_clock", lambda: now[0])
    adapter.index_publish(corpus())
    care = ideas[0]
    assert care.pk in [pk for pk, _ in similar("어르신 돌봄 말벗 안부")]  # this look counted

    Idea.objects.filter(pk=care.pk).update(status=IdeaStatus.WITHDRAWN)  # no timestamp bump
    now[0] += 2
    with CaptureQueriesContext(connection) as looked:
        assert care.pk in [pk for pk, _ in similar("어르신 돌봄 말벗 안부")]  # not yet seen: 2 s after the count
    assert not any("COUNT(" in q["sql"].upper() for q in looked.captured_queries)

    new = IdeaFactory(contest=care.contest, title_public=NEW[0], summary_public="", body_public=NEW[1])
    now[0] += 1
    assert similar("따릉이 자전거 정비소")[0][0] == new.pk  # a new item: seen at once, without a count

    now[0] += 2.5  # 5.5 s after the count: this look counts again and masks the withdrawn idea
    with CaptureQueriesContext(connection) as looked:
        assert care.pk not in [pk for pk, _ in similar("어르신 돌봄 말벗 안부 어르신 돌봄")]
    assert any("COUNT(" in q["sql"].upper() for q in looked.captured_queries)
    assert len(adapter._cache(corpus()).index) == Idea.objects.exclude(status=IdeaStatus.WITHDRAWN).count()
