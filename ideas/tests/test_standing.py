"""The 상시 제안 board (a ContestPage of kind standing) and invitations of its ideas into a round."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEntry, Notification
from ideas.choices import IdeaStatus
from ideas.invitations import idea_invite, invitation_accept, invitation_decline
from ideas.models import ContestPage, Idea, IdeaInvitation, Support
from ideas.models.pages import Phase
from ideas.selectors import contest_list_open
from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import IdeaFactory, UserFactory, home_page, make_contest, make_standing_board, moderator

pytestmark = pytest.mark.django_db


def test_standing_board_is_always_in_submission_and_never_reviewed_or_results():
    board = make_standing_board()
    with time_machine.travel(timezone.now() + timedelta(days=3 * 365)):
        board = ContestPage.objects.get(pk=board.pk)
        assert board.phase == Phase.SUBMISSION and board.is_submission_open and board.is_support_open
        assert not board.is_blind_review and not board.is_results_published
        assert board in contest_list_open()
    assert [step["label"] for step in board.timeline] == ["상시 제안"]


def test_standing_board_drops_closing_dates_and_rounds_need_them():
    board = make_standing_board()
    board.submission_closes_at = timezone.now()
    board.full_clean()
    assert board.submission_closes_at is None
    rnd = make_contest("submission")
    rnd.results_at = None
    with pytest.raises(ValidationError):
        rnd.full_clean()


def test_pages_say_standing_and_not_a_deadline(client):
    board = make_standing_board()
    home_page()
    html = client.get("/").content.decode()
    assert "상시 제안" in html
    page = client.get(board.url).content.decode()
    assert "상시 제안 게시판입니다" in page and "진행 일정" not in page
    listing = client.get(board.url + "ideas/").content.decode()
    assert "상시 제안" in listing and "접수 마감" not in listing
    assert client.get(board.url + "results/").status_code == 404


def test_citizen_submits_to_standing_board_through_screening():
    board = make_standing_board()
    citizen = UserFactory()
    data = IdeaData(
        title="동네 공방 청년 일자리",
        summary="빈 공방을 청년에게",
        body="빈 공방을 청년 창작자에게 빌려주고 판로를 엽니다.",
        track=board.tracks.first(),
        target_group="youth",
        district="mapo",
    )
    idea = idea_submit(contest=board, author=citizen, data=data)
    from moderation.models import ScreeningCase

    assert idea.contest == board and ScreeningCase.objects.filter(object_id=idea.pk).exists()


def test_api_exposes_the_board_kind(client):
    board = make_standing_board()
    make_contest("submission")
    rows = client.get("/api/v1/contests").json()
    kinds = {row["id"]: row["kind"] for row in rows}
    assert kinds[board.pk] == "standing" and "round" in kinds.values()
    detail = client.get(f"/api/v1/contests/{board.pk}").json()
    assert detail["kind"] == "standing" and detail["submission_closes_at"] is None


def _invited(**kw):
    board, rnd = make_standing_board(), make_contest("submission")
    idea = IdeaFactory(contest=board, **kw)
    invitation = idea_invite(idea=idea, round=rnd, message="연락처 010-9876-5432", actor=moderator())
    return idea, rnd, invitation


def test_accepting_moves_the_idea_with_its_supports_and_an_audit_entry():
    idea, rnd, invitation = _invited()
    fan = UserFactory()
    Support.objects.create(idea=idea, user=fan)
    assert "5432" not in invitation.message
    assert Notification.objects.filter(user=idea.author, url=f"/me/invitations/{invitation.pk}/").exists()
    moved = invitation_accept(invitation=invitation, actor=idea.author)
    assert moved.contest_id == rnd.pk and moved.status == IdeaStatus.SUBMITTED
    assert Support.objects.filter(idea=idea, user=fan).exists()
    assert AuditEntry.objects.filter(action="idea.invitation_accept", object_id=str(idea.pk)).exists()
    with pytest.raises(ValidationError, match="이미 답한"):
        invitation_accept(invitation=invitation, actor=idea.author)


def test_declining_changes_nothing_and_only_the_author_answers_while_the_round_is_open():
    idea, rnd, invitation = _invited()
    board = idea.contest
    with pytest.raises(PermissionDenied):
        invitation_accept(invitation=invitation, actor=UserFactory())
    invitation_decline(invitation=invitation, actor=idea.author)
    idea.refresh_from_db()
    assert idea.contest == board and idea.status == IdeaStatus.SUBMITTED
    second = idea_invite(idea=idea, round=rnd, actor=moderator())
    ContestPage.objects.filter(pk=rnd.pk).update(submission_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="접수 기간이 끝나"):
        invitation_accept(invitation=IdeaInvitation.objects.get(pk=second.pk), actor=idea.author)


def test_someone_elses_invitation_is_a_404_and_the_author_answers_on_the_page(client):
    idea, rnd, invitation = _invited()
    client.force_login(UserFactory())
    assert client.get(f"/me/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/me/invitations/{invitation.pk}/", {"action": "accept"}).status_code == 404
    client.force_login(idea.author)
    assert "공모전 초대" in client.get("/me/ideas/").content.decode()
    assert client.post(f"/me/invitations/{invitation.pk}/", {"action": "nonsense"}).status_code == 400
    assert client.post(f"/me/invitations/{invitation.pk}/", {"action": "accept"}).status_code == 302
    assert Idea.objects.get(pk=idea.pk).contest_id == rnd.pk


def test_my_ideas_with_invitations_in_constant_queries(client):
    author = UserFactory()
    client.force_login(author)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/me/ideas/").status_code == 200
        return len(ctx.captured_queries)

    _invited(author=author)
    few = count()
    for _ in range(3):
        _invited(author=author)
    assert count() == few


@pytest.mark.django_db(transaction=True)
def test_two_parallel_accepts_move_the_idea_once():
    idea, rnd, invitation = _invited()
    barrier = threading.Barrier(2, timeout=30)
    outcomes, errors = [], []

    def accept():
        try:
            barrier.wait()
            invitation_accept(invitation=invitation, actor=idea.author)
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(outcomes) == ["moved", "refused"]
    assert AuditEntry.objects.filter(action="idea.invitation_accept").count() == 1
    assert Idea.objects.get(pk=idea.pk).contest_id == rnd.pk
