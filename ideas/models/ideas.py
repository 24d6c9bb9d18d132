import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Analysed, TimeStampedModel, UploadedFile
from core.roles import user_is_moderation_staff
from nlp.text import join_title_content

from ..choices import HIDDEN_STATUSES, District, IdeaStatus, TargetGroup


class IdeaQuerySet(models.QuerySet):
    @staticmethod
    def public_q() -> Q:
        """`Idea.is_public` as a filter: approved by screening, not hidden, not withdrawn or rejected."""
        return Q(published_at__isnull=False, hidden_at__isnull=True) & ~Q(status__in=HIDDEN_STATUSES)

    def public(self):
        """Ideas anyone may see: approved by screening, not hidden, not withdrawn or rejected."""
        return self.filter(self.public_q())

    def with_support_count(self):
        """Kept for callers: the count is the stored `support_count` column, no aggregate."""
        return self

    def visible_to(self, user):
        """The queryset twin of the `ideas.view_idea` rule (is_public | is_author | is_moderator):
        public ideas, plus the user's own; moderators and superusers see everything. `is_staff` or
        the reviewer role alone add nothing."""

        if user_is_moderation_staff(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(self.public_q() | Q(author=user))
        return self.public()


#: The public ideas (`IdeaQuerySet.public_q`, in a fixed order for the migration): the condition of the
#: list's partial indexes. PostgreSQL matches it to the lists' WHERE clause whatever the order of the IN list.
PUBLIC = Q(published_at__isnull=False, hidden_at__isnull=True) & ~Q(status__in=sorted(HIDDEN_STATUSES))


class Idea(Analysed, TimeStampedModel):
    """A job-creation idea a citizen submitted to a contest.

    The author's text is kept as written; the `*_public` fields hold the same text with
    personal data masked and are what every public surface shows. Status changes only
    through `ideas.services` (see `choices.STATUS_TRANSITIONS`).

    Not in Wagtail's search index: the public search is `ideas.search` (analysed tokens, PostgreSQL
    full text); the admin's snippet search filters the database directly.
    """

    contest = models.ForeignKey(
        "ideas.ContestPage", on_delete=models.PROTECT, related_name="ideas", verbose_name=_("공모전")
    )
    reference = models.CharField(_("접수 번호"), max_length=20, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("작성자")
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_ideas", verbose_name=_("공동 제안자")
    )
    submission_token = models.UUIDField(default=uuid.uuid4, editable=False)

    title = models.CharField(_("제목"), max_length=100)
    summary = models.CharField(_("요약"), max_length=300)
    body = models.TextField(_("내용"), max_length=5000)
    title_public = models.CharField(max_length=100, blank=True, editable=False)
    summary_public = models.CharField(max_length=300, blank=True, editable=False)
    body_public = models.TextField(blank=True, editable=False)

    track = models.ForeignKey(
        "ideas.PolicyTrack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("정책 트랙"),
        help_text=_("비워 두면 '잘 모르겠어요'로 접수되고 트랙은 나중에 추천됩니다."),
    )
    target_group = models.CharField(_("대상"), max_length=20, choices=TargetGroup.choices)
    district = models.CharField(_("지역"), max_length=20, choices=District.choices)
    expected_jobs = models.PositiveIntegerField(_("예상 일자리 수"), null=True, blank=True)

    status = models.CharField(
        _("상태"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED, db_index=True
    )
    official_answer = models.TextField(_("공식 답변"), blank=True)
    published_at = models.DateTimeField(_("공개 일시"), null=True, blank=True, db_index=True)
    hidden_at = models.DateTimeField(_("신고로 숨김 처리된 일시"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("철회 일시"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
        verbose_name=_("병합된 아이디어"),
    )

    # Automatic analysis (nlp; the search fields and analysis stamps come from `core.models.Analysed`).
    # Each value records the model version and confidence.
    suggested_track = models.ForeignKey(
        "ideas.PolicyTrack",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("추천 트랙"),
    )
    suggested_track_score = models.FloatField(_("추천 신뢰도"), null=True, blank=True)
    track_confirmed = models.BooleanField(_("심사자가 트랙을 확인함"), default=False)
    cluster = models.IntegerField(_("주제 묶음"), null=True, blank=True)
    cluster_label = models.CharField(_("주제 묶음 이름"), max_length=100, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("중복 의심 원본"),
    )
    duplicate_score = models.FloatField(null=True, blank=True)
    support_count = models.PositiveIntegerField(
        _("공감 수"),
        default=0,
        editable=False,
        help_text=_("공감 행과 같은 트랜잭션에서 F()로 갱신됩니다. manage.py reconcile_counts로 다시 셉니다."),
    )
    rejected_tags = models.JSONField(
        default=list, blank=True, editable=False, help_text=_("심사자가 거절한 자동 태그: 다시 추천하지 않습니다.")
    )

    tags = TaggableManager(through="ideas.IdeaTag", blank=True, verbose_name=_("태그"))

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("아이디어")
        verbose_name_plural = _("아이디어")
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_token"], name="idea_once_per_form"),
            models.CheckConstraint(
                condition=Q(expected_jobs__isnull=True) | Q(expected_jobs__gte=0),
                name="idea_expected_jobs_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "status", "published_at"]),
            # The public list's sorts and filters, with and without a contest: partial indexes of the public
            # ideas only (the predicate of `IdeaQuerySet.public`), so a page is an index scan, never a sort
            # of every idea, and the capped count and a deep page's offset are index-only scans of ids.
            models.Index(fields=["-published_at", "-id"], name="idea_latest", condition=PUBLIC),
            models.Index(fields=["contest", "-published_at", "-id"], name="idea_contest_latest", condition=PUBLIC),
            models.Index(fields=["-support_count", "-published_at", "-id"], name="idea_support", condition=PUBLIC),
            models.Index(
                fields=["contest", "-support_count", "-published_at", "-id"],
                name="idea_contest_support",
                condition=PUBLIC,
            ),
            models.Index(
                fields=["contest", "district", "-published_at", "-id"], name="idea_contest_district", condition=PUBLIC
            ),
            models.Index(
                fields=["contest", "target_group", "-published_at", "-id"], name="idea_contest_target", condition=PUBLIC
            ),
            models.Index(
                fields=["contest", "track", "-published_at", "-id"], name="idea_contest_track", condition=PUBLIC
            ),
            models.Index(
                fields=["contest", "status", "-published_at", "-id"], name="idea_contest_status", condition=PUBLIC
            ),
            # The TF dashboard's counts per week/month, track and district: an index-only scan, not the table.
            models.Index(fields=["contest", "created_at", "track", "district"], name="idea_contest_received"),
            # The NLP corpus's signature, read at every analysis and duplicate check (`nlp.adapter`: count,
            # last change and last id of the live ideas, `ideas.analysis.idea_corpus_queryset`): an
            # index-only scan of this small index instead of a read of the whole table (0.5 s at 100,000).
            models.Index(
                fields=["updated_at", "id"],
                name="idea_nlp_live",
                condition=~Q(status=IdeaStatus.WITHDRAWN) & Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.reference}] {self.title_public or self.title}"

    def get_absolute_url(self) -> str:
        return reverse("ideas:idea-detail", kwargs={"reference": self.reference})

    @property
    def public_title(self) -> str:
        """The title every public surface and the NLP show: the masked copy (the original until screened)."""
        return self.title_public or self.title

    @property
    def public_text(self) -> str:
        """Title, summary and body as the NLP and search see them: the public (masked) copies, so no
        output of theirs leaks personal data."""
        return join_title_content(self.public_title, f"{self.summary_public}\n{self.body_public}")

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None and self.status not in HIDDEN_STATUSES

    @property
    def is_withdrawn(self) -> bool:
        return self.status == IdeaStatus.WITHDRAWN


class IdeaTag(TaggedItemBase):
    """A tag on an idea, with where it came from: the NLP model (with confidence) or a person."""

    class Source(models.TextChoices):
        MACHINE = "machine", _("자동 추천")
        REVIEWER = "reviewer", _("심사자")

    content_object = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="tagged_items")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REVIEWER)
    confidence = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    accepted = models.BooleanField(null=True, help_text=_("심사자가 자동 태그를 수락(참)/거절(거짓)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("아이디어 태그")
        verbose_name_plural = _("아이디어 태그")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="idea_tag_once")]


class IdeaAttachment(UploadedFile):
    """A PDF/PNG/JPEG attached to an idea; its type was checked from its content."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("파일"), upload_to="ideas/attachments/%Y/%m/")

    class Meta:
        verbose_name = _("첨부 파일")
        verbose_name_plural = _("첨부 파일")


class IdeaStatusChange(models.Model):
    """One step in an idea's status history, shown to its author."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=IdeaStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    reason = models.TextField(_("사유"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("상태 변경 이력")
        verbose_name_plural = _("상태 변경 이력")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    """공감: one per citizen per idea, guaranteed by the database."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("공감")
        verbose_name_plural = _("공감")
        constraints = [models.UniqueConstraint(fields=["user", "idea"], name="support_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class IdeaSimilarity(models.Model):
    """A similar idea found by the NLP index, with its cosine score and model version."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="similarities")
    other = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    model_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["idea", "other"], name="similarity_once")]

    def __str__(self) -> str:
        return f"{self.idea_id} ~ {self.other_id} ({self.score:.2f})"
