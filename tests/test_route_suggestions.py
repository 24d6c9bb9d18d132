"""Department routing suggestions through the registry (`nlp.adapter.route_suggestions`), with field notes
standing for grievances: ``route`` is the department a note was sent to. Sentences written for these tests."""

import dataclasses

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
