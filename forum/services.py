"""Services of the forum: every write goes through here (keyword-only, an actor and an audit context,
Korean ValidationError / PermissionDenied)."""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.counters import mark_once, unmark
from core.editing import delete_apply, edit_apply, edit_refused_message
from core.follow import follow, followers_of, unfollow
from core.notify import notify
from core.roles import Role
from moderation.quotas import limit_reserve
from moderation.rules import is_withheld_by_moderator
from moderation.services import screening_on_submit
from nlp.tasks import analyse_later

from .choices import ParticipantRole, Position, SignupStatus
from .models import MeetingSignup, Opinion, OpinionSupport, TopicPage, TopicSummary

DEFAULT_OPINION_LIMITS = {"user": (20, 3600), "ip": (60, 3600)}
MAX_BODY = 3000


class RateLimited(Exception):
    """Too many opinions from one account or address in the window (`FORUM_OPINION_LIMITS`)."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "짧은 시간에 의견을 너무 많이 올렸습니다. 잠시 뒤에 다시 올려 주세요. 작성한 내용은 따로 보관해 두세요."
            )
        )


def _require(perm: str, actor, obj, message: str) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)


def participant_role(user) -> tuple[str, str]:
    """The role an opinion shows for its author, verified now: (role, affiliation)."""
    if user.has_role(Role.EXPERT):
        profile = getattr(user, "expert_profile", None)
        return ParticipantRole.EXPERT, profile.affiliation if profile is not None else ""
    if user.has_role(Role.FIELD_WORKER):
        return ParticipantRole.FIELD_WORKER, ""
    if user.is_staff:
        return ParticipantRole.STAFF, ""
    return ParticipantRole.CITIZEN, ""


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("의견 내용을 적어 주세요.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("의견은 %(n)d자 이내로 적어 주세요.") % {"n": MAX_BODY}})
    return body


def opinion_post(
    *,
    topic: TopicPage,
    author,
    body: str,
    position: str = "",
    parent: Opinion | None = None,
    context: AuditContext | None = None,
) -> Opinion:
    """Post an opinion on an open topic (or a reply to a public opinion, one level deep): screened like
    every submission (a resident registration number refuses it and nothing is saved; phone numbers are
    masked), public at once unless screening flags it or the topic pre-moderates, rate-limited per account
    and address, analysed after the commit. Followers of the topic are not notified of each opinion."""
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationError(_("다른 토론 주제의 의견에는 답글을 달 수 없습니다."))
        _require("forum.reply_opinion", author, parent, _("지금은 이 의견에 답글을 달 수 없습니다."))
        position = ""
    else:
        _require("forum.post_opinion", author, topic, _("지금은 이 토론 주제에 의견을 올릴 수 없습니다."))
        if position not in Position.values:
            raise ValidationError({"position": _("입장을 골라 주세요 (찬성, 반대, 제안, 자유).")})
    body = _clean_body(body)
    limits = {**DEFAULT_OPINION_LIMITS, **getattr(settings, "FORUM_OPINION_LIMITS", {})}
    ip = context.ip if context is not None else None
    reservation = limit_reserve(name="opinion", limits=limits, idents={"user": author.pk, "ip": ip})
    if reservation is None:
        raise RateLimited()
    role, affiliation = participant_role(author)
    try:
        with transaction.atomic():
            opinion = Opinion.objects.create(
                topic=topic,
                parent=parent,
                author=author,
                body=body,
                position=position,
                author_role=role,
                author_affiliation=affiliation,
            )
            opinion.topic = topic
            screening_on_submit(item=opinion)
            audit_record(
                actor=author,
                action="opinion.reply" if parent else "opinion.post",
                target=opinion,
                after={"topic": topic.pk, "position": position, "role": role},
                context=context,
            )
    except Exception:
        reservation.release()
        raise
    analyse_later(opinion)
    return opinion


def _edit_refused(*, opinion: Opinion, actor) -> str:
    mine = opinion.author_id == getattr(actor, "pk", None) and opinion.deleted_at is None
    if mine and not opinion.topic.is_open:
        return _("의견 접수가 끝난 토론의 의견은 고치거나 지울 수 없습니다.")
    if mine and is_withheld_by_moderator(actor, opinion):
        return _("신고로 숨겨졌거나 검토에서 공개되지 않기로 한 의견은 고칠 수 없습니다.")
    return edit_refused_message(item=opinion, actor=actor, noun=_("의견은"))


def opinion_update(
    *, opinion: Opinion, actor, body: str, position: str | None = None, context: AuditContext | None = None
) -> Opinion:
    """The author edits their opinion or reply within the edit window (`core.editing`, the rules
    comments share) while the topic is open. It is marked "수정됨", screened again like a new one (a
    resident registration number refuses the edit and nothing changes; a finding, or the topic's
    pre-moderation, holds it back for a moderator), audited, and analysed again after the commit.
    `position` (top-level opinions only) is kept when None. PermissionDenied / ValidationError in
    Korean."""
    with transaction.atomic():
        opinion = Opinion.objects.select_for_update(of=("self",)).select_related("topic").get(pk=opinion.pk)
        if actor is None or not rules.has_perm("forum.change_opinion", actor, opinion):
            raise PermissionDenied(_edit_refused(opinion=opinion, actor=actor))
        changes = {"body": _clean_body(body)}
        if opinion.parent_id is None and position is not None:
            if position not in Position.values:
                raise ValidationError({"position": _("입장을 골라 주세요 (찬성, 반대, 제안, 자유).")})
            changes["position"] = position
        before = {"position": opinion.position, "edited": opinion.edited_at is not None}
        edit_apply(item=opinion, changes=changes)
        screening_on_submit(item=opinion, is_edit=True)
        audit_record(
            actor=actor,
            action="opinion.edit",
            target=opinion,
            before=before,
            after={"position": opinion.position, "published": opinion.published_at is not None},
            context=context,
        )
    analyse_later(opinion)
    return opinion


def opinion_delete(*, opinion: Opinion, actor, context: AuditContext | None = None) -> Opinion:
    """The author deletes their opinion or reply while the topic is open (`core.editing`): shown as
    "삭제된 의견입니다" while it has public replies, else gone; out of the counts, the corpus and any
    later summary. The text stays for moderators and open reports. Audited."""
    with transaction.atomic():
        opinion = Opinion.objects.select_for_update(of=("self",)).select_related("topic").get(pk=opinion.pk)
        if actor is None or not rules.has_perm("forum.delete_opinion", actor, opinion):
            mine = opinion.author_id == getattr(actor, "pk", None) and opinion.deleted_at is None
            if mine and not opinion.topic.is_open:
                raise PermissionDenied(_("의견 접수가 끝난 토론의 의견은 고치거나 지울 수 없습니다."))
            raise PermissionDenied(_("이 의견을 지울 권한이 없습니다."))
        delete_apply(
            item=opinion, actor=actor, action="opinion.delete", context=context, after={"topic": opinion.topic_id}
        )
    return opinion


def opinion_support(*, opinion: Opinion, user) -> bool:
    """공감 on an opinion, once per person (the unique row and the stored count change together)."""
    if opinion.author_id == user.pk:
        raise PermissionDenied(_("자신의 의견에는 공감할 수 없습니다."))
    _require("forum.support_opinion", user, opinion, _("지금은 이 의견에 공감할 수 없습니다."))
    return mark_once(row=OpinionSupport(opinion=opinion, user=user), counted=opinion, field="support_count")


def opinion_unsupport(*, opinion: Opinion, user) -> bool:
    _require("forum.support_opinion", user, opinion, _("지금은 공감을 취소할 수 없습니다."))
    return unmark(
        rows=OpinionSupport.objects.filter(opinion=opinion, user=user), counted=opinion, field="support_count"
    )


def topic_follow(*, topic: TopicPage, user) -> bool:
    _require("forum.follow_topic", user, topic, _("이 토론 주제를 팔로우할 수 없습니다."))
    return follow(user=user, target=topic)


def topic_unfollow(*, topic: TopicPage, user) -> bool:
    return unfollow(user=user, target=topic)


# ---- the offline meeting's sign-ups --------------------------------------------------------------


def _lock(topic: TopicPage) -> TopicPage:
    return TopicPage.objects.select_for_update(of=("self",)).get(pk=topic.pk)


def meeting_signup(*, topic: TopicPage, user, context: AuditContext | None = None) -> MeetingSignup:
    """Sign up for the offline meeting: a seat while the capacity lasts, else the waiting list. The
    topic's row is locked while counting, so parallel sign-ups never exceed the capacity. Signing up
    twice returns the existing sign-up."""
    _require("forum.signup_meeting", user, topic, _("이 토론회는 지금 참가 신청을 받지 않습니다."))
    with transaction.atomic():
        locked = _lock(topic)
        existing = MeetingSignup.objects.filter(topic=locked, user=user).first()
        if existing is not None:
            return existing
        taken = MeetingSignup.objects.filter(topic=locked, status=SignupStatus.CONFIRMED).count()
        status = SignupStatus.CONFIRMED if taken < (locked.meeting_capacity or 0) else SignupStatus.WAITING
        signup = MeetingSignup.objects.create(topic=locked, user=user, status=status)
        audit_record(actor=user, action="meeting.signup", target=locked, after={"status": status}, context=context)
    return signup


def meeting_cancel(*, topic: TopicPage, user, context: AuditContext | None = None) -> MeetingSignup | None:
    """Cancel the user's sign-up. A freed seat goes to the first person waiting, who is notified.
    Returns the promoted sign-up, or None."""
    if not user.is_authenticated:
        raise PermissionDenied(_("로그인해 주세요."))
    promoted = None
    with transaction.atomic():
        locked = _lock(topic)
        mine = MeetingSignup.objects.filter(topic=locked, user=user).first()
        if mine is None:
            raise ValidationError(_("참가 신청 내역이 없습니다."))
        freed = mine.status == SignupStatus.CONFIRMED
        mine.delete()
        audit_record(actor=user, action="meeting.cancel", target=locked, context=context)
        if freed:
            taken = MeetingSignup.objects.filter(topic=locked, status=SignupStatus.CONFIRMED).count()
            if taken < (locked.meeting_capacity or 0):
                promoted = (
                    MeetingSignup.objects.select_related("user")
                    .filter(topic=locked, status=SignupStatus.WAITING)
                    .order_by("created_at", "id")
                    .first()
                )
                if promoted is not None:
                    promoted.status = SignupStatus.CONFIRMED
                    promoted.save(update_fields=["status"])
                    when = timezone.localtime(locked.meeting_at).strftime("%Y-%m-%d %H:%M")
                    notify(
                        users=[promoted.user],
                        subject=_("토론회 참가가 확정되었습니다: %(title)s") % {"title": locked.title},
                        message=_("대기 순번이 되어 참가가 확정되었습니다. %(when)s, %(place)s")
                        % {"when": when, "place": locked.meeting_place},
                        url=locked.url or "",
                        target=locked,
                    )
    return promoted


# ---- the summary -----------------------------------------------------------------------------------


def topic_summary_build(
    *, topic: TopicPage, actor, context: AuditContext | None = None, tokenizer=None
) -> TopicSummary:
    """Compute (again) the closed topic's summary; it stays unpublished until `topic_summary_publish`
    (an already published summary is replaced and stays published)."""
    from .summary import topic_summary_data

    _require("forum.manage_topic", actor, topic, _("토론 요약은 운영진만 만들 수 있습니다."))
    if not topic.is_closed:
        raise ValidationError(_("의견 접수가 끝난 뒤에 요약을 만들 수 있습니다."))
    data = topic_summary_data(topic=topic, tokenizer=tokenizer)
    with transaction.atomic():
        summary, _created = TopicSummary.objects.update_or_create(
            topic=topic, defaults={"data": data, "built_at": timezone.now()}
        )
        audit_record(
            actor=actor, action="topic.summary_build", target=topic, after={"total": data["total"]}, context=context
        )
    return summary


def topic_summary_publish(*, topic: TopicPage, actor, context: AuditContext | None = None) -> TopicSummary:
    """Show the summary on the topic's page and tell the topic's followers (once)."""
    _require("forum.manage_topic", actor, topic, _("토론 요약은 운영진만 공개할 수 있습니다."))
    with transaction.atomic():
        summary = TopicSummary.objects.select_for_update().filter(topic=topic).first()
        if summary is None:
            raise ValidationError(_("먼저 요약을 만들어 주세요."))
        if summary.published_at is not None:
            return summary
        summary.published_at = timezone.now()
        summary.save(update_fields=["published_at"])
        audit_record(actor=actor, action="topic.summary_publish", target=topic, context=context)
        notify(
            users=followers_of(topic),
            subject=_("토론 결과가 공개되었습니다: %(title)s") % {"title": topic.title},
            message=_("팔로우한 토론 주제의 의견 요약과 결론이 공개되었습니다."),
            url=topic.url or "",
            target=topic,
        )
    return summary
