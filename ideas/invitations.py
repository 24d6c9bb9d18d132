"""Services of the 상시 제안 board's invitations: staff invite a standing idea into an open contest
round; its author accepts (the idea moves into the round) or declines (nothing changes), once.

Keyword-only, an actor and an audit context; Korean ValidationError / PermissionDenied. The answer is
race-safe: the invitation row is locked, so two parallel accepts make one move.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.notify import notify
from nlp.tasks import analyse_later

from .cache import public_pages_changed
from .choices import EDITABLE_STATUSES, IdeaStatus
from .models import ContestPage, Idea, IdeaInvitation, IdeaStatusChange, InvitationStatus
from .services import official_answer_screen


def invitation_url(invitation: IdeaInvitation) -> str:
    from django.urls import reverse

    return reverse("ideas:invitation", kwargs={"pk": invitation.pk})


@transaction.atomic
def idea_invite(
    *, idea: Idea, round: ContestPage, actor, message: str = "", context: AuditContext | None = None
) -> IdeaInvitation:
    """Staff invite a public idea of a standing board into `round` (a round open for entries). The
    author is notified and answers on their 내 아이디어 page. Returns the invitation."""
    idea = Idea.objects.select_for_update().select_related("contest", "author").get(pk=idea.pk)
    if actor is None or not rules.has_perm("ideas.invite_idea", actor, idea):
        raise PermissionDenied(_("상시 제안 아이디어를 공모전에 초대할 권한이 없습니다."))
    if not idea.contest.is_standing:
        raise ValidationError(_("상시 제안 게시판의 아이디어만 공모전에 초대할 수 있습니다."))
    if not idea.is_public or idea.status not in EDITABLE_STATUSES:
        raise ValidationError(_("공개 중이고 접수·검토 단계인 아이디어만 초대할 수 있습니다."))
    if round.is_standing or not round.live or not round.is_submission_open:
        raise ValidationError({"round": _("지금 접수 중인 공모전을 골라 주세요.")})
    text = official_answer_screen((message or "").strip()[:1000])
    try:
        with transaction.atomic():
            invitation = IdeaInvitation.objects.create(
                idea=idea, round=round, from_contest=idea.contest, message=text, invited_by=actor
            )
    except IntegrityError:
        raise ValidationError(_("이미 답변을 기다리는 초대가 있습니다.")) from None
    audit_record(
        actor=actor,
        action="idea.invite",
        target=idea,
        after={"round": round.pk, "round_title": round.title},
        context=context,
    )
    notify(
        users=[idea.author],
        subject=_("아이디어가 공모전에 초대되었습니다: %(title)s") % {"title": idea.public_title},
        message=_(
            "상시 제안 '%(title)s'을(를) '%(round)s' 공모전에 출품하시겠어요? 내 아이디어에서 수락하거나 거절할 수 있습니다."
        )
        % {"title": idea.public_title, "round": round.title},
        url=invitation_url(invitation),
        target=idea,
    )
    return invitation


def _locked_for_answer(invitation: IdeaInvitation, actor) -> IdeaInvitation:
    inv = (
        IdeaInvitation.objects.select_for_update(of=("self",))
        .select_related("idea", "round", "from_contest")
        .get(pk=invitation.pk)
    )
    if actor is None or not rules.has_perm("ideas.answer_invitation", actor, inv):
        if not getattr(actor, "is_authenticated", False) or inv.idea.author_id != actor.pk:
            raise PermissionDenied(_("이 초대에 답할 수 없습니다."))
        if not inv.is_pending:
            raise ValidationError(_("이미 답한 초대입니다."))
        raise ValidationError(_("초대한 공모전의 접수 기간이 끝나 더는 수락할 수 없습니다."))
    return inv


@transaction.atomic
def invitation_accept(*, invitation: IdeaInvitation, actor, context: AuditContext | None = None) -> Idea:
    """The author accepts: the idea moves into the round (its 공감, comments and followers stay, they
    point at the idea), back to the start of the round's screening path ('접수'), a track the round
    does not take is cleared for the NLP to suggest again. Returns the moved idea."""
    inv = _locked_for_answer(invitation, actor)
    idea = Idea.objects.select_for_update().get(pk=inv.idea_id)
    if idea.status not in EDITABLE_STATUSES or idea.contest_id != inv.from_contest_id:
        raise ValidationError(_("아이디어의 상태가 바뀌어 초대를 수락할 수 없습니다."))
    old_status, old_contest = idea.status, idea.contest_id
    idea.contest = inv.round
    if idea.track_id and not inv.round.tracks.filter(pk=idea.track_id).exists():
        idea.track = None
    idea.status = IdeaStatus.SUBMITTED
    idea.save(update_fields=["contest", "track", "status", "updated_at"])
    inv.status, inv.answered_at = InvitationStatus.ACCEPTED, timezone.now()
    inv.save(update_fields=["status", "answered_at", "updated_at"])
    IdeaStatusChange.objects.create(
        idea=idea,
        from_status=old_status,
        to_status=IdeaStatus.SUBMITTED,
        actor=actor,
        reason=_("상시 제안에서 '%(round)s' 공모전으로 옮겼습니다.") % {"round": inv.round.title},
    )
    audit_record(
        actor=actor,
        action="idea.invitation_accept",
        target=idea,
        before={"contest": old_contest, "status": old_status},
        after={"contest": inv.round_id, "status": IdeaStatus.SUBMITTED},
        context=context,
    )
    public_pages_changed()
    analyse_later(idea)
    return idea


@transaction.atomic
def invitation_decline(*, invitation: IdeaInvitation, actor, context: AuditContext | None = None) -> IdeaInvitation:
    """The author declines: the idea stays on the standing board, unchanged."""
    inv = _locked_for_answer(invitation, actor)
    inv.status, inv.answered_at = InvitationStatus.DECLINED, timezone.now()
    inv.save(update_fields=["status", "answered_at", "updated_at"])
    audit_record(
        actor=actor, action="idea.invitation_decline", target=inv.idea, after={"round": inv.round_id}, context=context
    )
    return inv


def invitation_list_for(*, user):
    """The user's invitations, waiting ones first (one query)."""
    if not user.is_authenticated:
        return IdeaInvitation.objects.none()
    return (
        IdeaInvitation.objects.filter(idea__author=user)
        .select_related("idea", "round")
        .order_by("-status", "-created_at")  # descending: "pending" first, then "declined", "accepted"
    )


def invitation_get_for(*, user, pk: int | None) -> IdeaInvitation | None:
    """One invitation of the user's own ideas, or None (someone else's is a 404, not a 403)."""
    if pk is None or not user.is_authenticated:
        return None
    return IdeaInvitation.objects.filter(pk=pk, idea__author=user).select_related("idea", "round").first()


def round_list_open_for_invitation():
    """Rounds an idea can be invited into: live, not standing, in their submission window."""
    from .models import ContestKind
    from .selectors import contest_list_open

    return contest_list_open(kind=ContestKind.ROUND)
