"""Stored links between corpora (`nlp.ItemLink`): each field note (standing for a grievance) shows the
public ideas that address the same topic, and each idea the notes it answers — whichever came first.
Sentences written for these tests."""

import pytest
from django.db import transaction

from ideas.models import Idea
from ideas.services import idea_withdraw
from ideas.tests.factories import UserFactory, make_contest, moderator
from moderation.choices import ReportDecision, ReportReason
from moderation.services import report_create, report_resolve, screening_approve, screening_on_submit
from moderation.tests.factories import submit as submit_idea
from nlp.adapter import LINK_MIN_SCORE, item_analyse, linked_groups, links_from, links_to
from nlp.models import ItemLink
from tests.kinds.models import FieldNote

pytestmark = pytest.mark.django_db(transaction=True)

TAXI_TITLE = "택시 기사 쉼터 조성"
TAXI = (
    "법인 택시 기사들이 차고지와 도심에서 쉴 곳이 없습니다. 택시 기사 전용 휴게 쉼터를 만들고 "
    "운영 인력을 고용하면 일자리도 생깁니다."
)
CARE_TITLE = "공동 육아 나눔터"
CARE = (
    "맞벌이 부부를 위해 동네마다 공동 육아 나눔터를 열고 보육 교사와 돌봄 선생님을 채용해 아이 돌봄 일자리를 만듭니다."
)
NOTE_TITLE = "택시 휴게 공간 부족"
NOTE = "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 없어 기사들이 길가에 차를 세우고 쉽니다."
MARKET = "전통시장 주차장이 좁아 장 보러 온 손님들이 골목에 차를 댑니다. 공영 주차장을 늘려 주세요."


def post(title: str, body: str) -> FieldNote:
    with transaction.atomic():
        note = FieldNote.objects.create(author=UserFactory(), title=title, body=body)
        screening_on_submit(item=note)
    item_analyse(model_label="kinds.FieldNote", pk=note.pk)
    note.refresh_from_db()
    return note


def published_idea(contest, title: str, body: str, staff) -> Idea:
    idea = submit_idea(contest, title=title, body=body)
    screening_approve(item=idea, actor=staff)
    idea.refresh_from_db()
    return idea


@pytest.fixture
def staff():
    return moderator()


@pytest.fixture
def contest():
    return make_contest("submission")


def test_a_note_links_to_the_idea_on_its_topic_only_and_the_idea_finds_the_note(contest, staff):
    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    care = published_idea(contest, CARE_TITLE, CARE, staff)
    note = post(NOTE_TITLE, NOTE)
    other = post("전통시장 주차", MARKET)

    linked = links_from(note, corpus="ideas")
    assert [i.pk for i, _s in linked] == [taxi.pk]
    assert isinstance(linked[0][0], Idea) and linked[0][1] >= LINK_MIN_SCORE
    assert not ItemLink.objects.filter(target_id=care.pk, target_corpus="ideas").exists()
    assert links_from(other, corpus="ideas") == []
    assert [(n.pk, s) for n, s in links_to(taxi, from_corpus="field-notes")] == [(note.pk, linked[0][1])]
    assert links_to(care, from_corpus="field-notes") == []


def test_a_note_posted_before_the_idea_is_linked_when_the_idea_is_analysed(contest, staff):
    note = post(NOTE_TITLE, NOTE)
    assert links_from(note, corpus="ideas") == []
    published_idea(contest, CARE_TITLE, CARE, staff)
    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    assert [i.pk for i, _s in links_from(note, corpus="ideas")] == [taxi.pk]
    assert [n.pk for n, _s in links_to(taxi, from_corpus="field-notes")] == [note.pk]


def test_withdrawn_hidden_and_unpublished_ideas_drop_out(contest, staff):
    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    pending = submit_idea(contest, title="택시 기사 휴게소 확충", body=TAXI + " 휴게 공간을 늘려 주세요.")
    note = post(NOTE_TITLE, NOTE)
    stored = set(ItemLink.objects.filter(source_id=note.pk).values_list("target_id", flat=True))
    assert {taxi.pk, pending.pk} <= stored
    # Public lookups show public ideas only; a moderator's own queryset may show the one in screening.
    assert [i.pk for i, _s in links_from(note, corpus="ideas")] == [taxi.pk]
    assert {i.pk for i, _s in links_from(note, corpus="ideas", queryset=Idea.objects.all())} >= {taxi.pk, pending.pk}

    report_create(item=taxi, reporter=UserFactory(), reason=ReportReason.ABUSE)
    report_resolve(item=taxi, actor=staff, decision=ReportDecision.UPHOLD, reason="abuse")
    assert links_from(note, corpus="ideas") == []

    idea_withdraw(idea=pending, actor=pending.author)
    # Withdrawn ideas leave the ideas corpus: not even a moderator's queryset brings them back.
    assert pending.pk not in {i.pk for i, _s in links_from(note, corpus="ideas", queryset=Idea.objects.all())}


def test_lookups_take_two_queries_from_either_side(contest, staff, django_assert_num_queries):
    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    notes = [
        post(NOTE_TITLE, NOTE),
        post("택시 쉼터 요청", "택시 기사 쉼터가 차고지 근처에 필요합니다. 휴게 공간이 없습니다."),
    ]
    links_from(notes[0], corpus="ideas")  # content types cached
    with django_assert_num_queries(2):
        assert len(links_from(notes[0], corpus="ideas")) == 1
    with django_assert_num_queries(2):
        assert {n.pk for n, _s in links_to(taxi, from_corpus="field-notes")} == {n.pk for n in notes}


def test_linked_ideas_are_grouped_by_their_topic_cluster(contest, staff):
    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    taxi2 = published_idea(
        contest, "택시 차고지 휴게실", "택시 기사들이 차고지 휴게실에서 쉴 수 있게 해 주세요. " + TAXI, staff
    )
    note = post(NOTE_TITLE, NOTE)
    assert [key for key, _items in linked_groups(note, corpus="ideas")] == [None, None]  # not clustered yet
    Idea.objects.filter(pk__in=[taxi.pk, taxi2.pk]).update(cluster=3, cluster_label="택시 · 쉼터")
    groups = linked_groups(note, corpus="ideas")
    assert len(groups) == 1 and groups[0][0] == (3, "택시 · 쉼터")
    assert {i.pk for i, _s in groups[0][1]} == {taxi.pk, taxi2.pk}


def test_a_refit_of_the_ideas_refreshes_the_links_of_every_note_once(contest, staff):
    from nlp.adapter import corpus_refit

    taxi = published_idea(contest, TAXI_TITLE, TAXI, staff)
    note = post(NOTE_TITLE, NOTE)
    ItemLink.objects.all().delete()
    corpus_refit(name="ideas")
    assert [i.pk for i, _s in links_from(note, corpus="ideas")] == [taxi.pk]


def test_the_worker_stores_the_ideas_analysis_then_refreshes_the_notes_near_it_as_a_task_of_its_own(contest, staff):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from nlp.tasks import analyse_item

    note = post(NOTE_TITLE, NOTE)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        taxi = submit_idea(contest, title=TAXI_TITLE, body=TAXI)  # as in production: the analysis queued
        queued = DBTaskResult.objects.filter(task_path__startswith="nlp.")
        assert [(t.task_path, t.args_kwargs["args"]) for t in queued] == [
            ("nlp.tasks.analyse_item", ["ideas.Idea", taxi.pk])
        ]
        queued.delete()
        analyse_item.call("ideas.Idea", taxi.pk)  # what the worker runs
        taxi.refresh_from_db()
        assert taxi.analysed_at is not None and taxi.analysis_error == ""  # the idea's analysis stored
        assert links_from(note, corpus="ideas", queryset=Idea.objects.all()) == []  # the note's links: not yet
        refresh = DBTaskResult.objects.get(task_path__startswith="nlp.")
        assert refresh.task_path == "nlp.tasks.refresh_links_near"
        assert refresh.args_kwargs["args"] == ["ideas.Idea", taxi.pk]
        refresh.task.call(*refresh.args_kwargs["args"])
    assert [i.pk for i, _s in links_from(note, corpus="ideas", queryset=Idea.objects.all())] == [taxi.pk]


def test_nothing_links_to_field_notes_so_their_analysis_queues_no_refresh():
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from nlp.tasks import analyse_item

    note = FieldNote.objects.create(author=UserFactory(), title=NOTE_TITLE, body=NOTE)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        analyse_item.call("kinds.FieldNote", note.pk)
    assert not DBTaskResult.objects.filter(task_path__startswith="nlp.").exists()
