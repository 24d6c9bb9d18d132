import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from ideas.choices import IdeaStatus
from ideas.models import Idea, Support
from ideas.services import IdeaData, idea_change_status, idea_submit, idea_support, idea_update, idea_withdraw
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, moderator

pytestmark = pytest.mark.django_db


def data(contest, **kw):
    base = dict(
        title="어르신 동네 안전 지킴이",
        summary="어르신이 등하굣길 안전을 살핍니다.",
        body="하루 세 시간 교통 안내를 맡기면 아이들은 안전하고 어르신은 일자리를 얻습니다.",
        track=contest.tracks.first(),
        target_group="seniors",
        district="dobong",
        expected_jobs=5,
    )
    base.update(kw)
    return IdeaData(**base)


def test_submitted_idea_gets_a_public_reference_number_and_a_history(contest, citizen):
    idea = idea_submit(contest=contest, author=citizen, data=data(contest))
    assert idea.reference.startswith(f"{idea.created_at.astimezone().year}-")
    assert len(idea.reference.split("-")[1]) == 5
    assert [c.to_status for c in idea.status_changes.all()] == [IdeaStatus.SUBMITTED]


def test_submitting_twice_with_the_same_form_token_makes_one_idea(contest, citizen):
    token = uuid.uuid4()
    first = idea_submit(contest=contest, author=citizen, data=data(contest), submission_token=token)
    second = idea_submit(contest=contest, author=citizen, data=data(contest), submission_token=token)
    assert first.pk == second.pk
    assert Idea.objects.count() == 1


def test_submission_after_the_deadline_is_refused(citizen):
    closed = make_contest("screening")
    with pytest.raises(ValidationError, match="접수 기간"):
        idea_submit(contest=closed, author=citizen, data=data(closed))
    assert Idea.objects.count() == 0


def test_unknown_track_for_the_contest_is_refused(contest, citizen):
    other = make_contest("submission")
    with pytest.raises(ValidationError):
        idea_submit(contest=contest, author=citizen, data=data(contest, track=other.tracks.first()))
    assert Idea.objects.count() == 0


def test_resident_registration_number_blocks_the_submission_and_saves_nothing(contest, citizen):
    with pytest.raises(ValidationError) as exc:
        idea_submit(contest=contest, author=citizen, data=data(contest, body="제 주민번호는 900101-1234567 입니다"))
    assert "body" in exc.value.message_dict
    assert Idea.objects.count() == 0


def test_phone_number_is_masked_in_the_public_copy_but_kept_for_staff(contest, citizen):
    idea = idea_submit(
        contest=contest, author=citizen, data=data(contest, body="연락은 010-1234-5678 로 주세요. 감사합니다.")
    )
    idea.refresh_from_db()
    assert "010-1234-5678" in idea.body
    assert "010-1234-5678" not in idea.body_public
    assert "010-1234-****" in idea.body_public


def test_moderators_and_reviewers_cannot_submit_ideas(contest):
    with pytest.raises(PermissionDenied):
        idea_submit(contest=contest, author=moderator(), data=data(contest))


def test_user_without_privacy_consent_cannot_submit(contest):
    user = UserFactory(privacy_consent_at=None)
    with pytest.raises(PermissionDenied):
        idea_submit(contest=contest, author=user, data=data(contest))


def test_author_can_edit_while_submission_is_open(contest, citizen):
    idea = idea_submit(contest=contest, author=citizen, data=data(contest))
    idea_update(idea=idea, actor=citizen, data=data(contest, title="고친 제목"))
    idea.refresh_from_db()
    assert idea.title == "고친 제목"


def test_other_citizen_cannot_edit_or_withdraw(contest, citizen):
    idea = idea_submit(contest=contest, author=citizen, data=data(contest))
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        idea_update(idea=idea, actor=other, data=data(contest, title="남의 글"))
    with pytest.raises(PermissionDenied):
        idea_withdraw(idea=idea, actor=other)


def test_withdrawn_idea_leaves_public_lists_but_keeps_its_history(contest, citizen):
    idea = idea_submit(contest=contest, author=citizen, data=data(contest))
    idea_withdraw(idea=idea, actor=citizen)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.WITHDRAWN
    assert not Idea.objects.public().filter(pk=idea.pk).exists()
    assert [c.to_status for c in idea.status_changes.all()] == [IdeaStatus.SUBMITTED, IdeaStatus.WITHDRAWN]


def test_status_moves_only_along_allowed_transitions_with_audit():
    idea = IdeaFactory()
    staff = moderator()
    idea_change_status(idea=idea, to_status=IdeaStatus.REVIEWING, actor=staff)
    with pytest.raises(ValidationError):
        idea_change_status(idea=idea, to_status=IdeaStatus.SUBMITTED, actor=staff)
    assert AuditEntry.objects.filter(action="idea.status", object_id=str(idea.pk)).count() == 1


def test_rejection_needs_a_reason():
    idea = IdeaFactory()
    with pytest.raises(ValidationError):
        idea_change_status(idea=idea, to_status=IdeaStatus.REJECTED, actor=moderator(), reason="  ")


def test_citizen_supports_once_and_never_their_own_idea():
    idea = IdeaFactory()
    fan = UserFactory()
    assert idea_support(idea=idea, user=fan) is True
    assert idea_support(idea=idea, user=fan) is False
    assert Support.objects.filter(idea=idea).count() == 1
    with pytest.raises(PermissionDenied):
        idea_support(idea=idea, user=idea.author)


def test_unpublished_idea_cannot_be_supported():
    idea = IdeaFactory(published_at=None)
    with pytest.raises(PermissionDenied):
        idea_support(idea=idea, user=UserFactory())
