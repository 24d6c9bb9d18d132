"""Department routing suggestions through the registry (`nlp.adapter.route_suggestions`), with field notes
standing for grievances: ``route`` is the department a note was sent to. Sentences written for these tests."""

import dataclasses
import shutil

import numpy as np
import pytest

from ideas.tests.factories import UserFactory
from nlp import adapter
from nlp.adapter import route_suggestions, router_for
from nlp.corpora import corpus_named, register
from tests.kinds.models import FieldNote

pytestmark = pytest.mark.django_db

TAXI = [
    "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 필요합니다.",
    "심야 택시 승차 거부가 잦습니다. 택시 승차장 단속을 늘려 주세요.",
    "법인 택시 기사 처우가 나빠 기사들이 떠납니다. 택시 기사 교육과 지원이 필요합니다.",
]
CARE = [
    "동네에 공동 육아 나눔터가 없어 맞벌이 부부가 힘듭니다. 아이 돌봄 교사를 늘려 주세요.",
    "어린이집 대기가 너무 깁니다. 국공립 어린이집과 보육 교사를 늘려 주세요.",
    "방과 후 아이 돌봄 교실이 부족합니다. 초등 돌봄 선생님을 채용해 주세요.",
]


def note(body: str, route: str | None = None) -> FieldNote:
    title = body.split(".")[0][:30]
    return FieldNote.objects.create(
        author=UserFactory(), title=title, body=body, title_public=title, body_public=body, route=route
    )


@pytest.fixture(autouse=True)
def _fresh_models():
    adapter.reset_caches()
    yield
    adapter.reset_caches()


@pytest.fixture
def history():
    return [note(t, "taxi-logistics") for t in TAXI] + [note(t, "childcare") for t in CARE]


def test_a_new_note_is_routed_like_the_notes_on_its_topic(history):
    new = note("택시 기사들이 쉴 곳이 없어 길에 차를 세우고 쉽니다. 택시 쉼터를 만들어 주세요.")
    suggestions = route_suggestions(corpus="field-notes", item=new)
    assert suggestions[0][0] == "taxi-logistics"
    assert [r for r, _ in suggestions] == ["taxi-logistics", "childcare"]
    assert all(0.0 <= s <= 1.0 for _, s in suggestions) and suggestions[0][1] > suggestions[1][1]
    draft = route_suggestions(corpus="field-notes", text="어린이집 보육 교사가 부족합니다", k=1)
    assert [r for r, _ in draft] == ["childcare"]


def test_a_routed_note_is_not_its_own_neighbour():
    taxi = note(TAXI[0], "taxi-logistics")
    for t in CARE[:2]:
        note(t, "childcare")
    # Counting its own vote the note would go where it already went; without it nothing near it is
    # routed, and the overall frequencies (two childcare notes to one) decide.
    router = router_for(corpus_named("field-notes"))
    assert router.suggest(corpus_named("field-notes").text(taxi))[0][0] == "taxi-logistics"
    assert route_suggestions(corpus="field-notes", item=taxi)[0][0] == "childcare"


def test_a_re_routing_saved_through_the_model_refits_the_suggestions():
    only = note(TAXI[0], "childcare")
    new = note(TAXI[1])
    assert route_suggestions(corpus="field-notes", item=new)[0][0] == "childcare"
    only.route = "taxi-logistics"
    only.save()
    assert [r for r, _ in route_suggestions(corpus="field-notes", item=new)] == ["taxi-logistics"]


def test_cold_start_gives_the_prior_or_nothing():
    new = note(TAXI[0])
    assert route_suggestions(corpus="field-notes", item=new) == []
    own = corpus_named("field-notes")
    register(dataclasses.replace(own, route_prior=lambda: {"교통": {"taxi-logistics": 3, "roads": 1}}))
    try:
        found = route_suggestions(corpus="field-notes", item=new, track="교통")
        assert [r for r, _ in found] == ["taxi-logistics", "roads"]
        assert found[0][1] == pytest.approx(0.75, abs=1e-4)
    finally:
        register(own)


def test_a_corpus_that_keeps_no_routes_suggests_nothing():
    assert route_suggestions(corpus="ideas", text="택시 기사 쉼터") == []
    with pytest.raises(KeyError):
        route_suggestions(corpus="nope", text="택시")


# ---- the saved routing model (`router_publish`, `IDEAS_NLP_INDEX_DIR`): loaded, never fitted per item ----


@pytest.fixture
def fits(monkeypatch):
    """Counts the routing models fitted in this process."""
    done = []
    real = adapter._fit_router
    monkeypatch.setattr(adapter, "_fit_router", lambda *a, **kw: done.append(1) or real(*a, **kw))
    return done


def as_other_process(monkeypatch):
    """A second process: its own caches (the saved model on disk and the database are what they share)."""
    monkeypatch.setattr(adapter, "_caches", {})


def test_a_saved_router_is_loaded_by_another_process_and_answers_exactly_as_the_fitted_one(
    history, index_dir, monkeypatch, fits
):
    own = corpus_named("field-notes")
    fitted = adapter.router_publish(own)
    assert (index_dir / "field-notes" / "router.pickle").exists()
    new = note("택시 기사들이 쉴 곳이 없어 길에 차를 세우고 쉽니다. 택시 쉼터를 만들어 주세요.")
    asked = [(history[0], None), (history[4], None), (new, None), (new, "교통")]
    expected = [fitted.suggest(own.text(n), track=t, exclude=n.pk) for n, t in asked]

    as_other_process(monkeypatch)
    assert [route_suggestions(corpus="field-notes", item=n, track=t) for n, t in asked] == expected
    loaded = router_for(own)
    assert loaded is not fitted and fits == [1]  # the one fit is the refit's; this process loaded it


def test_the_refit_maps_the_router_s_index_from_its_build_links_it_into_the_save_and_leaves_no_build(
    history, index_dir, monkeypatch
):
    import os

    own = corpus_named("field-notes")
    fitted = adapter.router_publish(own)
    root = index_dir / "field-notes"
    assert list(root.glob(".build-*")) == []  # the build's names are gone once saved
    # this process's router maps its index (not read into memory), from the files the save linked
    assert isinstance(fitted.index_.idf_, np.memmap)
    saved = next(p for p in root.glob("router-*") if (p / "index.json").exists())
    assert os.stat(saved / "texts.npy").st_nlink == 1 and os.stat(saved / "texts.npy").st_size > 0
    new = note("택시 기사들이 쉴 곳이 없어 길에 차를 세우고 쉽니다. 택시 쉼터를 만들어 주세요.")
    assert route_suggestions(corpus="field-notes", item=new)[0][0] == "taxi-logistics"
    as_other_process(monkeypatch)
    assert route_suggestions(corpus="field-notes", item=new) == fitted.suggest(own.text(new), exclude=new.pk)


def test_a_new_note_is_not_a_refit_and_a_new_department_counts_at_once(history, index_dir, monkeypatch, fits):
    adapter.router_publish(corpus_named("field-notes"))
    as_other_process(monkeypatch)
    loaded = router_for(corpus_named("field-notes"))
    plain = note("공원 산책로 가로등이 꺼져 밤에 어둡습니다. 가로등을 고쳐 주세요.")  # not routed
    assert router_for(corpus_named("field-notes")) is loaded and not loaded.in_history(plain.pk)
    lamp = note("골목 가로등이 고장 나 밤길이 위험합니다. 가로등 수리를 해 주세요.", "roads")
    assert router_for(corpus_named("field-notes")) is loaded and loaded.in_history(lamp.pk)
    found = route_suggestions(corpus="field-notes", item=plain)
    assert "roads" in [r for r, _ in found]  # the new department, from the delta (neighbours and counts)
    assert fits == [1]  # only the refit's


def test_a_re_routed_or_withdrawn_note_is_applied_as_a_delta(index_dir, monkeypatch, fits):
    only = note(TAXI[0], "childcare")
    new = note(TAXI[1])
    adapter.router_publish(corpus_named("field-notes"))
    as_other_process(monkeypatch)
    assert route_suggestions(corpus="field-notes", item=new)[0][0] == "childcare"
    only.route = "taxi-logistics"
    only.save()
    assert [r for r, _ in route_suggestions(corpus="field-notes", item=new)] == ["taxi-logistics"]
    only.delete()
    assert route_suggestions(corpus="field-notes", item=new) == []
    assert not router_for(corpus_named("field-notes")).in_history(only.pk) and fits == [1]


def test_a_changed_prior_replaces_the_saved_one_without_a_fit(index_dir, monkeypatch, fits):
    new = note(TAXI[0])
    own = corpus_named("field-notes")
    adapter.router_publish(own)
    as_other_process(monkeypatch)
    assert route_suggestions(corpus="field-notes", item=new) == []
    register(dataclasses.replace(own, route_prior=lambda: {"교통": {"taxi-logistics": 3, "roads": 1}}))
    try:
        found = route_suggestions(corpus="field-notes", item=new, track="교통")
        assert [r for r, _ in found] == ["taxi-logistics", "roads"] and fits == [1]
    finally:
        register(own)


@pytest.mark.parametrize(
    "damage", ["broken file", "older model version", "older format", "index gone", "arrays damaged"]
)
def test_a_saved_router_that_cannot_be_used_is_fitted_in_the_process_not_an_error(
    history, index_dir, monkeypatch, fits, damage
):
    from nlp import model_store

    with monkeypatch.context() as m:
        if damage == "older model version":
            m.setattr(model_store, "MODEL_VERSION", "ilsa-nlp-0.0.1")
        if damage == "older format":  # format 1 (the classifier alone, without its tokenizer): refused
            m.setattr(model_store, "_FORMAT", 1)
        m.setattr(model_store, "ARRAY_MIN_BYTES", 1)  # every array beside the pickle, mapped
        adapter.router_publish(corpus_named("field-notes"))
    root = index_dir / "field-notes"
    if damage == "broken file":
        (root / "router.pickle").write_bytes(b"not a pickle")
    elif damage == "index gone":
        for p in root.glob("router-*"):
            shutil.rmtree(p)
    elif damage == "arrays damaged":
        for p in root.glob("router-*/a*.npy"):
            p.write_bytes(p.read_bytes()[:-8])
    as_other_process(monkeypatch)
    new = note("택시 기사들이 쉴 곳이 없어 길에 차를 세우고 쉽니다. 택시 쉼터를 만들어 주세요.")
    assert route_suggestions(corpus="field-notes", item=new)[0][0] == "taxi-logistics"
    assert route_suggestions(corpus="field-notes", item=new)[0][0] == "taxi-logistics"
    assert fits == [1, 1]  # the refit's, then this process's own (once: the broken file is not read again)


def test_the_refit_saves_the_router_and_reports_its_stage(history, index_dir, monkeypatch):
    from nlp import route

    monkeypatch.setattr(route, "INDEX_CHUNK", 2)  # several chunks of the router's index
    calls = []
    adapter.corpus_refit(
        name="field-notes", progress=lambda corpus, stage, done, total: calls.append((stage, done, total))
    )
    stages = [stage for stage, *_ in calls]
    assert "routing" in stages and stages.index("routing") > stages.index("classifier")
    # the fit's own progress between the stage's 0 of 1 and 1 of 1: routed items indexed, per chunk (then the
    # linear estimate's texts, once there are enough routed items for it: not in this small history)
    routing = [(done, total) for stage, done, total in calls if stage == "routing"][1:-1]
    routed = len(history)  # every note of the history is routed
    assert routing == [(2, routed), (4, routed), (routed, routed)]
    loaded = adapter._saved_model(corpus_named("field-notes"), adapter._cache(corpus_named("field-notes")), "router")
    assert loaded is not None and set(loaded[0].history_ids()) == {n.pk for n in history}
    assert loaded[1]["live"] == len(history) and loaded[1]["top"] == max(n.pk for n in history)
