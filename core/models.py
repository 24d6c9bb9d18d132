"""The core's models: abstract bases shared by every kind of submission, and the append-only audit trail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract provenance base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        abstract = True


class Submission(TimeStampedModel):
    """What every kind of citizen text shares (ideas, field posts, opinions, comments): an author, the
    text as written and its personal-data-masked public copy, and the moments it was published or hidden.

    A subclass lists its citizen-written fields in `MODERATED_TEXT_FIELDS`; each `<field>` has a
    `<field>_public` twin that screening fills and every public surface shows. Registered with
    `moderation.items.register` and `nlp.corpora.register`, it is screened, masked, reported, audited
    and analysed like ideas, without a line of its own for that.
    """

    MODERATED_TEXT_FIELDS: tuple[str, ...] = ("title", "body")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("작성자")
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), max_length=5000)
    title_public = models.CharField(max_length=200, blank=True, editable=False)
    body_public = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(_("공개 일시"), null=True, blank=True, db_index=True)
    hidden_at = models.DateTimeField(_("신고로 숨김 처리된 일시"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_public or self.title

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None


class Editable(models.Model):
    """Abstract: what an author may do to their own short text after posting it (comments, opinions),
    the rules of which live in `core.editing`: edit it within the edit window (`edited_at`, shown as
    "수정됨") and delete it (`deleted_at`: the row stays, shown as a "삭제된 …입니다" placeholder while
    it has replies, gone from view without)."""

    edited_at = models.DateTimeField(_("수정 일시"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("삭제 일시"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Analysed(models.Model):
    """Abstract: what the NLP and the analysed search (`core.search.SearchIndex`) store on a kind that
    keeps its analysis on its own rows (ideas, field posts): the analysed tokens and title, the
    PostgreSQL search vector (GIN-indexed by each kind's migration), and the analysis's version, time
    and last error (`nlp.adapter.pending_filter` reads the last two)."""

    search_tokens = models.TextField(blank=True, editable=False)
    search_title = models.TextField(blank=True, editable=False)
    # PostgreSQL only: weighted tsvector of the title (and tag) and body tokens.
    search_vector = SearchVectorField(null=True, editable=False)
    nlp_version = models.CharField(max_length=40, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    analysis_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class UploadedFile(models.Model):
    """Abstract: a file a citizen uploaded to a submission, its type checked from its content. A
    subclass adds the `file` field (its folder and label) and the foreign key to its submission."""

    original_name = models.CharField(_("원래 파일 이름"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records are append-only.")

    def delete(self):
        raise PermissionError("Audit records are append-only.")


class AuditEntry(models.Model):
    """One staff action: who did what to which object, when, from where, before and after.

    Append-only: the model refuses to be saved twice or deleted, and so does its queryset.
    Write entries only through `core.audit.audit_record`.

    Retention: there is no deletion path (no admin delete, no purge command, no cascade: the actor
    is PROTECTed, the target is a generic reference). Accesses to raw personal data
    (`personal_data.view`) must be kept at least two years (개인정보의 안전성 확보조치 기준 제8조);
    every record is kept indefinitely. Any future cleanup must keep records younger than
    `core.audit.AUDIT_RETENTION`.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("처리자"),
    )
    action = models.CharField(_("행위"), max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("대상"), max_length=200, blank=True)
    before = models.JSONField(_("변경 전"), default=dict, blank=True)
    after = models.JSONField(_("변경 후"), default=dict, blank=True)
    note = models.TextField(_("메모"), blank=True)
    ip_address = models.GenericIPAddressField(_("접속 IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        default_permissions = ("view",)
        # The table it was created with (in `moderation`, before the core existed): the rows stay put.
        db_table = "moderation_auditentry"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")


class Notification(models.Model):
    """One line of a user's "내 활동" feed: what happened to something they wrote or follow. Written
    only through `core.notify.notify`, which also e-mails it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("받는 사람")
    )
    subject = models.CharField(_("제목"), max_length=200)
    message = models.TextField(_("내용"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("읽은 일시"), null=True, blank=True)
    # E-mail: held for the user's daily digest (`notification_digest`), or when it was sent.
    email_pending = models.BooleanField(_("모아 보내기 대기"), default=False)
    emailed_at = models.DateTimeField(_("메일 보낸 일시"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_feed"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["user"], condition=models.Q(email_pending=True), name="notification_digest_due"),
        ]

    def __str__(self) -> str:
        return self.subject


class Follow(models.Model):
    """A user following something (an idea, a field post, a topic): notified when it changes. One per
    user and target, guaranteed by the database. Written only through `core.follow`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("팔로우")
        verbose_name_plural = _("팔로우")
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="follow_once_per_user")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="follow_target")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"


class EmailFrequency(models.TextChoices):
    """How a user wants notification e-mails."""

    IMMEDIATELY = "immediately", _("바로 받기")
    DAILY = "daily", _("하루 한 번 모아 받기")
    NEVER = "never", _("받지 않기")


class NotificationSetting(models.Model):
    """A user's notification e-mail preference. No row means `EmailFrequency.IMMEDIATELY`. Read by
    `core.notify.notify`; changed on the "알림 설정" page or by an unsubscribe link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_setting",
        verbose_name=_("사용자"),
    )
    email = models.CharField(
        _("알림 메일"), max_length=20, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATELY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("알림 설정")
        verbose_name_plural = _("알림 설정")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class ExpertProfile(models.Model):
    """The affiliation shown beside an expert's (전문가) opinions. Written only through
    `core.experts.expert_grant`, which also puts the user in the expert role group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("전문가")
    )
    affiliation = models.CharField(_("소속"), max_length=100)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("부여 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("전문가 정보")
        verbose_name_plural = _("전문가 정보")

    def __str__(self) -> str:
        return self.affiliation


class WorkerHeartbeat(models.Model):
    """A background worker's lease (`core.worker`): a `db_worker` process writes `seen_at` every few
    seconds while it lives; a task it holds (RUNNING) is claimed again once its worker has not been
    seen for the lease (`IDEAS_TASK_LEASE_SECONDS`)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("작업 처리기 생존 신호")
        verbose_name_plural = _("작업 처리기 생존 신호")

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
