"""A second kind of submission (`tests.kinds.FieldNote`, a bare `core.models.Submission` registered in its
AppConfig) goes through every shared mechanism — screening, masking, reports, audit, NLP similar and
duplicates, notifications — with no line written for it in moderation or nlp."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import AuditEntry
from ideas.tests.factories import UserFactory, make_contest, moderator
from moderation.choices import FindingKind, ReportDecision, ReportReason, ScreeningStatus
from moderation.models import Report, ScreeningCase
from moderation.services import report_create, report_resolve, screening_approve, screening_on_submit
from moderation.tests.factories import submit as submit_idea
from nlp.adapter import duplicates_of, index_for, item_analyse, similar_to_text
from nlp.corpora import corpus_named
from nlp.models import ItemAnalysis
from tests.kinds.models import FieldNote

pytestmark = pytest.mark.django_db(transaction=True)

CARE = "어르신 돌봄 이웃 일자리. 건강한 어르신이 홀로 사는 어르신 집을 찾아가 말벗이 되고 안부를 확인하는 일자리를 만듭니다."
KITCHEN = "청년 공유 주방. 빈 상가를 고쳐 청년 창업팀이 함께 쓰는 공유 주방을 만들고 배달 일자리를 늘립니다."


def post(title: str, body: str, author=None) -> FieldNote:
    """What a field-note service would do: save, screen in the same transaction, analyse after commit."""
    with transaction.atomic():
        note = FieldNote.objects.create(author=author or UserFactory(), title=title, body=body)
        screening_on_submit(item=note)
    item_analyse(model_label="kinds.FieldNote", pk=note.pk)
    note.refresh_from_db()
    return note


def test_a_resident_number_blocks_a_note_and_nothing_is_saved_half():
    author = UserFactory()
    with pytest.raises(ValidationError) as err, transaction.atomic():
        note = FieldNote.objects.create(author=author, title="현장 애로", body="주민번호 900101-1234567 입니다")
        screening_on_submit(item=note)
    assert "body" in err.value.error_dict
    assert not FieldNote.objects.exists()


def test_a_note_is_masked_screened_and_waits_for_a_moderator():
    note = post("현장 애로", "연락처 010-1234-5678 로 주세요. 택시 기사 휴게 공간이 부족합니다.")
    assert "5678" not in note.body_public and "5678" in note.body
    case = ScreeningCase.objects.for_item(note).get()
    assert case.status == ScreeningStatus.PENDING
    assert FindingKind.PERSONAL_DATA in set(case.findings.values_list("kind", flat=True))
    assert note.published_at is None


def test_approval_publishes_audits_and_mails_the_author_naming_the_kind():
    note = post("현장 애로", "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 필요합니다.")
    staff = moderator()
    mail.outbox.clear()
    screening_approve(item=note, actor=staff)
    note.refresh_from_db()
    assert note.published_at is not None
    entry = AuditEntry.objects.get(action="screening.approve")
    assert entry.object_id == str(note.pk) and entry.content_type.model == "fieldnote"
    assert len(mail.outbox) == 1
    assert "현장 메모가 공개되었습니다" in mail.outbox[0].subject
    assert "아이디어" not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_published_note_can_be_reported_and_a_moderator_hides_it():
    note = post("현장 애로", "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 필요합니다.")
    staff = moderator()
    screening_approve(item=note, actor=staff)
    note.refresh_from_db()
    report_create(item=note, reporter=UserFactory(), reason=ReportReason.ABUSE)
    assert Report.objects.for_item(note).count() == 1
    report_resolve(item=note, actor=staff, decision=ReportDecision.UPHOLD, reason="abuse")
    note.refresh_from_db()
    assert note.hidden_at is not None and note.published_at is None


def test_nlp_analyses_a_note_within_its_own_corpus_only():
    contest = make_contest("submission")
    idea = submit_idea(contest, title="어르신 돌봄 이웃 일자리", body=CARE)
    first = post("어르신 돌봄 이웃 일자리", CARE)
    post("청년 공유 주방", KITCHEN)
    repost = post("어르신돌봄 이웃일자리", "안녕하세요 다시 올립니다. " + CARE)

    analysis = ItemAnalysis.objects.get(object_id=repost.pk, corpus="field-notes")
    assert analysis.tokens and analysis.tags and analysis.analysed_at is not None
    note_ids = set(FieldNote.objects.values_list("pk", flat=True))
    assert analysis.similar and {pk for pk, _s in analysis.similar} <= note_ids
    assert analysis.similar[0][0] == first.pk
    assert analysis.duplicate_of_id == first.pk
    # The same text exists as an idea: an idea is never a duplicate of a note, nor a note of an idea.
    assert [pk for pk, _s in duplicates_of(item=repost)] == [first.pk]
    assert all(pk != repost.pk for pk, _s in duplicates_of(item=idea))
    found = [pk for pk, _s in similar_to_text(corpus="field-notes", text=CARE)]
    assert set(found[:2]) == {first.pk, repost.pk} and set(found) <= note_ids
    assert sorted(index_for(corpus_named("field-notes")).ids_) == sorted(note_ids)
    assert sorted(index_for(corpus_named("ideas")).ids_) == [idea.pk]


def test_a_note_duplicate_is_flagged_to_moderators_with_the_earlier_note():
    first = post("어르신 돌봄 이웃 일자리", CARE)
    repost = post("어르신돌봄 이웃일자리", "안녕하세요 다시 올립니다. " + CARE)
    finding = ScreeningCase.objects.for_item(repost).get().findings.get(kind=FindingKind.DUPLICATE)
    assert finding.related_object_id == first.pk
