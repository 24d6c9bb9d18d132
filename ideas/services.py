"""Services that write: submitting, editing, withdrawing and supporting ideas, status changes.

Views, forms and the API call these; nothing else changes an idea's status.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.follow import followers_of
from core.notify import notify
from moderation.screening import screen_public_text
from moderation.services import screening_on_submit
from moderation.spamguard import FormSignals
from nlp.tasks import analyse_later

from .cache import public_pages_changed
from .choices import HIDDEN_STATUSES, STATUS_TRANSITIONS, IdeaStatus
from .counters import support_count_add
from .models import ContestPage, Idea, IdeaAttachment, IdeaStatusChange, PolicyTrack, Support, User
from .validators import validate_attachment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdeaData:
    """The fields a citizen writes. Forms and the API build one after validating input."""

    title: str
    summary: str
    body: str
    track: PolicyTrack | None
    target_group: str
    district: str
    expected_jobs: int | None = None


def _schedule_analysis(idea: Idea) -> None:
    """Queue the NLP analysis after the transaction commits; its failure never undoes a submission."""
    analyse_later(idea)


def _save_attachments(idea: Idea, files: Iterable) -> None:
    files = list(files or [])
    if not files:
        return
    if idea.attachments.count() + len(files) > settings.IDEAS_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("첨부 파일은 %(n)d개까지 올릴 수 있습니다.") % {"n": settings.IDEAS_MAX_ATTACHMENTS}}
        )
    for upload in files:
        mime = validate_attachment(upload)
        IdeaAttachment.objects.create(
            idea=idea,
            file=upload,
            # shown on the public idea page: personal data in a file name is masked
            original_name=screen_public_text(upload.name[:200], refuse=()).text,
            content_type=mime,
            size=upload.size,
        )


def _check_track(contest: ContestPage, track: PolicyTrack | None) -> None:
    if track is not None and not contest.tracks.filter(pk=track.pk).exists():
        raise ValidationError({"track": _("이 공모전에서 받지 않는 정책 트랙입니다.")})


def _record_status(idea: Idea, from_status: str, to_status: str, actor, reason: str = "") -> None:
    IdeaStatusChange.objects.create(idea=idea, from_status=from_status, to_status=to_status, actor=actor, reason=reason)


@transaction.atomic
def idea_submit(
    *,
    contest: ContestPage,
    author: User,
    data: IdeaData,
    attachments: Iterable = (),
    submission_token: uuid.UUID | None = None,
    signals: FormSignals | None = None,
) -> Idea:
    """Submit an idea to an open contest. Returns the new idea (or the one already submitted
    with the same form token, so a double-clicked submit makes one idea, not two)."""
    if submission_token is not None:
        existing = Idea.objects.filter(author=author, submission_token=submission_token).first()
        if existing is not None:
            return existing
    if not contest.is_submission_open:
        raise ValidationError(_("지금은 아이디어 접수 기간이 아닙니다. 접수가 마감되었거나 아직 시작되지 않았습니다."))
    if not rules.has_perm("ideas.submit_idea", author, contest):
        raise PermissionDenied(_("아이디어를 제출할 권한이 없습니다."))
    _check_track(contest, data.track)
    idea = Idea(
        contest=contest,
        author=author,
        submission_token=submission_token or uuid.uuid4(),
        reference=f"tmp-{secrets.token_hex(6)}",
        status=IdeaStatus.SUBMITTED,
        **data.__dict__,
    )
    idea.full_clean(exclude=["reference", "title_public", "summary_public", "body_public"])
    try:
        with transaction.atomic():
            idea.save()
    except IntegrityError:
        # A parallel request with the same form token won the race.
        return Idea.objects.get(author=author, submission_token=idea.submission_token)
    idea.reference = f"{timezone.localtime().year}-{idea.pk:05d}"
    # A queryset update: a save() would queue one more reference-index task for the same new idea.
    Idea.objects.filter(pk=idea.pk).update(reference=idea.reference)
    _save_attachments(idea, attachments)
    _record_status(idea, "", IdeaStatus.SUBMITTED, author)
    screening_on_submit(item=idea, is_edit=False, signals=signals)
    _schedule_analysis(idea)
    return idea


@transaction.atomic
def idea_update(
    *,
    idea: Idea,
    actor: User,
    data: IdeaData,
    attachments: Iterable = (),
    remove_attachments: Iterable[int] = (),
    signals: FormSignals | None = None,
) -> Idea:
    """Edit an idea. Only its author, only while submission is open and the idea editable."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not rules.has_perm("ideas.edit_own_idea", actor, idea):
        raise PermissionDenied(_("접수 기간이 끝났거나 수정할 수 없는 상태의 아이디어입니다."))
    _check_track(idea.contest, data.track)
    for field, value in data.__dict__.items():
        setattr(idea, field, value)
    idea.full_clean(exclude=["title_public", "summary_public", "body_public"])
    idea.save()
    public_pages_changed()
    idea.attachments.filter(pk__in=list(remove_attachments)).delete()
    _save_attachments(idea, attachments)
    screening_on_submit(item=idea, is_edit=True, signals=signals)
    _schedule_analysis(idea)
    return idea


@transaction.atomic
def idea_withdraw(*, idea: Idea, actor: User, context: AuditContext | None = None) -> Idea:
    """The author withdraws the idea; it disappears from public pages but its history stays."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not rules.has_perm("ideas.withdraw_own_idea", actor, idea):
        raise PermissionDenied(_("접수 기간이 끝났거나 철회할 수 없는 상태의 아이디어입니다."))
    old = idea.status
    idea.status = IdeaStatus.WITHDRAWN
    idea.withdrawn_at = timezone.now()
    idea.save(update_fields=["status", "withdrawn_at", "updated_at"])
    public_pages_changed()
    _record_status(idea, old, IdeaStatus.WITHDRAWN, actor, _("제안자가 철회했습니다."))
    return idea


def official_answer_screen(text: str) -> str:
    """The official answer as published: personal data masked, except the city's own contact
    numbers staff allow (`moderation.AllowedContactNumber`, e.g. 02-2133-…, 120)."""
    return screen_public_text(text, refuse=(), allow_city_numbers=True).text


#: Statuses whose news reaches the author by another notification (the review's results, the
#: moderator's decision, both through `core.notify`): the status change does not tell the author again,
#: so each event is one line in 내 알림 and at most one e-mail.
AUTHOR_MAILED_ELSEWHERE = frozenset({IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED, IdeaStatus.REJECTED})


def _status_notify(*, idea: Idea, to_status: str, answered: bool) -> None:
    """Tell the author and the followers of a public idea (once each) that its status changed or the
    city answered. Withdrawn or rejected ideas are no one's news but their author's."""
    label = IdeaStatus(to_status).label
    subject = _("진행 상황이 '%(status)s'(으)로 바뀌었습니다: %(title)s") % {
        "status": label,
        "title": idea.public_title,
    }
    message = _("아이디어 '%(title)s'의 진행 상황이 '%(status)s'(으)로 바뀌었습니다.") % {
        "title": idea.public_title,
        "status": label,
    }
    if answered:
        message += "\n" + _("서울시 답변이 등록되었습니다.")
    url = idea.get_absolute_url()
    if to_status not in AUTHOR_MAILED_ELSEWHERE:
        notify(users=[idea.author], subject=subject, message=message, url=url, target=idea)
    if to_status not in HIDDEN_STATUSES and idea.is_public:
        followers = [u for u in followers_of(idea) if u.pk != idea.author_id]
        notify(users=followers, subject=subject, message=message, url=url, target=idea)


@transaction.atomic
def idea_change_status(
    *,
    idea: Idea,
    to_status: str,
    actor: User | None,
    reason: str = "",
    official_answer: str | None = None,
    context: AuditContext | None = None,
) -> Idea:
    """Move an idea to another status along `STATUS_TRANSITIONS`, with history and audit record.

    A rejection needs a reason. The official answer is screened (`official_answer_screen`).
    Returns the updated idea.
    """
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    old = idea.status
    if to_status == old:
        return idea
    if to_status not in STATUS_TRANSITIONS.get(old, ()):
        raise ValidationError(
            _("'%(old)s'에서 '%(new)s'(으)로 바꿀 수 없습니다.")
            % {"old": IdeaStatus(old).label, "new": IdeaStatus(to_status).label}
        )
    if to_status == IdeaStatus.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("반려할 때는 사유를 적어야 합니다.")})
    idea.status = to_status
    fields = ["status", "updated_at"]
    if official_answer is not None:
        idea.official_answer = official_answer_screen(official_answer)
        fields.append("official_answer")
    idea.save(update_fields=fields)
    public_pages_changed()
    _record_status(idea, old, to_status, actor, reason)
    _status_notify(idea=idea, to_status=to_status, answered=bool(official_answer and official_answer.strip()))
    audit_record(
        actor=actor,
        action="idea.status",
        target=idea,
        before={"status": old},
        after={"status": to_status, "reason": reason},
        context=context,
    )
    return idea


def idea_support(*, idea: Idea, user: User) -> bool:
    """Add the user's 공감 to an idea. Returns True if added, False if it was already there.

    The database's unique constraint decides under parallel clicks.
    """
    if not rules.has_perm("ideas.support_idea", user, idea):
        if idea.author_id == user.pk:
            raise PermissionDenied(_("자신의 아이디어에는 공감할 수 없습니다."))
        raise PermissionDenied(_("지금은 이 아이디어에 공감할 수 없습니다."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=user)
            support_count_add(idea_ids=[idea.pk], delta=1)
            public_pages_changed()
    except IntegrityError:
        return False
    return True


@transaction.atomic
def idea_unsupport(*, idea: Idea, user: User) -> bool:
    """Take back the user's 공감 while 공감 is collected (same phase rule as giving one).
    Returns True if one was removed; PermissionDenied once the contest stopped collecting."""
    if not rules.has_perm("ideas.unsupport_idea", user, idea):
        raise PermissionDenied(_("공감 기간이 끝나 공감을 취소할 수 없습니다."))
    deleted, _unused = Support.objects.filter(idea=idea, user=user).delete()
    if deleted:
        support_count_add(idea_ids=[idea.pk], delta=-1)
        public_pages_changed()
    return bool(deleted)


def user_record_consent(*, user: User, version: str | None = None) -> User:
    """Store which personal-information notice the user accepted, and when."""
    user.privacy_consent_version = version or settings.PRIVACY_NOTICE_VERSION
    user.privacy_consent_at = timezone.now()
    user.save(update_fields=["privacy_consent_version", "privacy_consent_at"])
    return user


@transaction.atomic
def user_withdraw(*, user: User) -> User:
    """회원 탈퇴: the account is closed and its personal data erased (e-mail, names, organisation,
    consent); submitted ideas stay, shown under "탈퇴한 회원". Returns the closed account."""
    from allauth.account.models import EmailAddress

    user.email = f"withdrawn-{user.pk}@invalid.example"
    user.username = user.email
    user.display_name = ""
    user.first_name = user.last_name = ""
    user.organisation = ""
    user.privacy_consent_version = ""
    user.privacy_consent_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    supported = list(user.supports.values_list("idea_id", flat=True))
    user.supports.all().delete()
    support_count_add(idea_ids=supported, delta=-1)
    public_pages_changed()
    return user
