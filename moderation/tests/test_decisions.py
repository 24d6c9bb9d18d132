"""Moderator decisions: approve, reject, request changes, merge — each audited once, each told
to the author on the status page and by plain-text e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.http import audit_context
from core.models import AuditEntry
from ideas.choices import IdeaStatus
from ideas.models import IdeaStatusChange, Support
from moderation.choices import RejectionReason, ScreeningStatus
from moderation.models import ScreeningCase
from moderation.services import (
    ScreeningConflict,
    screening_approve,
    screening_merge,
    screening_reject,
    screening_request_changes,
)

from .factories import HOSTILE, UserFactory, post_request, reviewer, staff_moderator, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(db):
    return staff_moderator()


def audit_actions(item):
    return list(AuditEntry.objects.filter(object_id=str(item.pk)).order_by("id").values_list("action", flat=True))


def test_approval_publishes_tells_the_author_and_writes_one_audit_record(
    contest, mod, django_capture_on_commit_callbacks
):
    idea = submit(contest)
    with django_capture_on_commit_callbacks(execute=True):
        case = screening_approve(item=idea, actor=mod, context=audit_context(post_request()), note="좋아요")
    idea.refresh_from_db()
    assert idea.published_at is not None and idea.is_public
    assert case.status == ScreeningStatus.APPROVED and case.decided_by == mod
    assert audit_actions(idea) == ["screening.approve"]
    entry = AuditEntry.objects.get(action="screening.approve")
    assert entry.actor == mod and entry.ip_address == "203.0.113.7"
    assert entry.before["published"] is False and entry.after["published"] is True
    assert IdeaStatusChange.objects.filter(idea=idea, reason__contains="공개").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [idea.author.email]


def test_rejection_uses_the_status_service_with_the_chosen_reason(contest, mod, django_capture_on_commit_callbacks):
    idea = submit(contest)
    with django_capture_on_commit_callbacks(execute=True):
        screening_reject(item=idea, actor=mod, reason=RejectionReason.ADVERTISING, note="홍보 링크만 있습니다")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.REJECTED and idea.published_at is None
    change = IdeaStatusChange.objects.get(idea=idea, to_status=IdeaStatus.REJECTED)
    assert "광고·홍보" in change.reason and "홍보 링크만" in change.reason
    # one record per transition: the screening decision and the status change
    assert audit_actions(idea) == ["idea.status", "screening.reject"]
    assert "광고·홍보" in mail.outbox[0].body


def test_rejection_needs_a_listed_reason_and_free_text_for_other(contest, mod):
    idea = submit(contest)
    with pytest.raises(ValidationError):
        screening_reject(item=idea, actor=mod, reason="그냥")
    with pytest.raises(ValidationError):
        screening_reject(item=idea, actor=mod, reason=RejectionReason.OTHER, note="  ")
    assert ScreeningCase.objects.for_item(idea).get().is_pending
    assert not AuditEntry.objects.exists()


def test_request_for_changes_keeps_the_idea_unpublished_and_an_edit_queues_it_again(contest, mod):
    from ideas.services import idea_update

    from .factories import idea_data

    idea = submit(contest)
    screening_request_changes(item=idea, actor=mod, note="연락처를 지워 주세요")
    idea.refresh_from_db()
    assert idea.published_at is None and idea.status == IdeaStatus.SUBMITTED
    assert IdeaStatusChange.objects.filter(idea=idea, reason__contains="연락처를 지워").exists()
    idea_update(idea=idea, actor=idea.author, data=idea_data(contest, body="연락처를 지웠습니다. 청년 공유 주방 사업."))
    cases = ScreeningCase.objects.for_item(idea).order_by("id")
    assert [c.status for c in cases] == [ScreeningStatus.CHANGES_REQUESTED, ScreeningStatus.PENDING]
    assert audit_actions(idea) == ["screening.request_changes"]


def test_merge_credits_both_authors_and_keeps_supports_of_both_once(contest, mod):
    original = submit(contest, title="원래 아이디어")
    screening_approve(item=original, actor=mod)
    duplicate = submit(contest, title="같은 아이디어")
    both, only_dup, only_orig = UserFactory(), UserFactory(), UserFactory()
    Support.objects.bulk_create(
        [
            Support(idea=original, user=both),
            Support(idea=original, user=only_orig),
            Support(idea=duplicate, user=both),
            Support(idea=duplicate, user=only_dup),
        ]
    )
    screening_merge(item=duplicate, into=original, actor=mod, note="같은 내용")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.published_at is None
    assert set(original.co_authors.all()) == {duplicate.author}
    assert set(original.supports.values_list("user", flat=True)) == {both.pk, only_dup.pk, only_orig.pk}
    assert audit_actions(duplicate) == ["screening.merge"]
    assert IdeaStatusChange.objects.filter(idea=duplicate, reason__contains=original.reference).exists()


def test_merge_into_another_contest_is_refused(contest, mod):
    from .factories import make_contest

    other = submit(make_contest("submission"))
    idea = submit(contest)
    with pytest.raises(ValidationError):
        screening_merge(item=idea, into=other, actor=mod)
    assert ScreeningCase.objects.for_item(idea).get().is_pending


def test_second_decision_on_the_same_item_is_a_conflict(contest, mod):
    idea = submit(contest)
    screening_approve(item=idea, actor=mod)
    with pytest.raises(ScreeningConflict):
        screening_reject(item=idea, actor=staff_moderator(), reason=RejectionReason.ABUSE)
    idea.refresh_from_db()
    assert idea.is_public
    assert audit_actions(idea) == ["screening.approve"]


@pytest.mark.parametrize("make_actor", [UserFactory, reviewer, lambda: submit().author])
def test_only_moderators_decide(contest, make_actor):
    idea = submit(contest)
    with pytest.raises(PermissionDenied):
        screening_approve(item=idea, actor=make_actor())
    assert ScreeningCase.objects.for_item(idea).get().is_pending


def test_decision_e_mail_is_plain_text_with_hostile_title_inert(contest, mod, django_capture_on_commit_callbacks):
    idea = submit(contest)
    with django_capture_on_commit_callbacks(execute=True):
        screening_reject(item=idea, actor=mod, reason=RejectionReason.OTHER, note=f"{HOSTILE} 이유")
    message = mail.outbox[0]
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", None)  # no HTML part
    assert HOSTILE in message.body  # shown as the text it is, not escaped into &lt;…
    assert "&lt;" not in message.body
