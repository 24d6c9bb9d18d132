"""Where the NLP module stores its results for kinds of submission that keep none of their own.

Ideas keep their analysis on their own row (search tokens, suggested track, similar ideas); a new kind
(field posts, opinions, comments) registers a corpus with `nlp.adapter.generic_corpus` and gets one
`ItemAnalysis` row per item instead, so it needs no analysis fields or code of its own. Every corpus's
refit leaves a `ClusterSnapshot` (its clusters explained), and links between corpora are `ItemLink` rows.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ItemAnalysis(models.Model):
    """The latest analysis of one item: tokens for search, machine tags, suggested label with its
    confidence, similar items of the same corpus, a duplicate candidate, its topic cluster."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    corpus = models.CharField(_("말뭉치"), max_length=40, db_index=True)
    tokens = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    label = models.CharField(_("추천 분류"), max_length=100, blank=True)
    label_score = models.FloatField(_("추천 신뢰도"), null=True, blank=True)
    similar = models.JSONField(default=list, blank=True, help_text=_("[[id, 점수], …] 같은 말뭉치의 비슷한 글"))
    duplicate_of_id = models.PositiveBigIntegerField(null=True, blank=True)
    duplicate_score = models.FloatField(null=True, blank=True)
    cluster = models.IntegerField(null=True, blank=True)
    cluster_label = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("분석 결과")
        verbose_name_plural = _("분석 결과")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_analysis_per_item")]

    def __str__(self) -> str:
        return f"{self.corpus}:{self.object_id}"


class ItemLink(models.Model):
    """A stored link from an item of one corpus to an item of a corpus its registration names in
    ``linked`` (a field post → an idea that answers it), with the cosine it was found at.

    Written by `nlp.adapter` each time an item of either side is analysed; read from either side by
    `nlp.adapter.links_from` / `links_to`, which keep only the items their corpus still lists.
    """

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source_corpus = models.CharField(_("출발 말뭉치"), max_length=40)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target_corpus = models.CharField(_("연결 말뭉치"), max_length=40)
    score = models.FloatField(_("유사도"))
    model_version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("연결된 글")
        verbose_name_plural = _("연결된 글")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id"], name="one_link_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id", "target_corpus"], name="itemlink_from"),
            models.Index(fields=["target_type", "target_id", "source_corpus"], name="itemlink_to"),
        ]

    def __str__(self) -> str:
        return f"{self.source_corpus}:{self.source_id} → {self.target_corpus}:{self.target_id} ({self.score:.2f})"


class ClusterSnapshot(models.Model):
    """The topic clusters of one corpus as one refit left them, explained (`nlp.explain`): per cluster
    its key terms, 2–3 sentences copied verbatim from members with the member each came from, its size,
    its tracks and how it changed since the previous snapshot.

    Written by `nlp.services.cluster_snapshot_record` at the end of each refit; the last
    `nlp.services.KEEP_SNAPSHOTS` of a corpus are kept. ``clusters`` is what screens show (small);
    ``members`` (``{cluster: [item id, …]}``) is read only by the next refit, to match its clusters.
    """

    corpus = models.CharField(_("말뭉치"), max_length=40)
    created_at = models.DateTimeField(_("분석 일시"), default=timezone.now)
    model_version = models.CharField(max_length=40, blank=True)
    n_items = models.PositiveIntegerField(_("묶은 글 수"), default=0)
    compared = models.BooleanField(
        _("이전 분석과 비교함"), default=False, help_text=_("이전 분석이 있어 변화(신규·증가·감소)를 계산했습니다.")
    )
    clusters = models.JSONField(default=list, blank=True)
    members = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("주제 묶음 분석")
        verbose_name_plural = _("주제 묶음 분석")
        indexes = [models.Index(fields=["corpus", "-created_at"], name="clustersnapshot_latest")]

    def __str__(self) -> str:
        return f"{self.corpus} {self.created_at:%Y-%m-%d %H:%M}"


class RefitRun(models.Model):
    """One refit of the NLP models (`nlp.tasks`): active (queued until a process starts it:
    ``started_at`` empty, then running), finished or failed; the stage it is at and how far each corpus
    got (``progress``: ``{corpus: {"stage", "done", "total"}}``), written at most every
    `nlp.tasks.PROGRESS_SECONDS`; ``heartbeat_at`` is renewed by the running process while it lives, so
    a run whose worker died is recognised by its age (`nlp.tasks.stale_after`). At most one run is
    active: a partial unique constraint, so the database refuses a second one, also to parallel requests."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("진행 중")
        FINISHED = "finished", _("완료")
        FAILED = "failed", _("실패")

    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    requested_at = models.DateTimeField(_("요청 일시"), default=timezone.now)
    started_at = models.DateTimeField(_("시작 일시"), null=True, blank=True)
    finished_at = models.DateTimeField(_("종료 일시"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("마지막 신호"), default=timezone.now)
    corpus = models.CharField(_("말뭉치"), max_length=40, blank=True)
    stage = models.CharField(_("단계"), max_length=40, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True)
    task_id = models.CharField(_("작업 번호"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("다시 학습 실행")
        verbose_name_plural = _("다시 학습 실행")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="one_active_refit",
                violation_error_message=_("다시 학습이 이미 진행 중입니다."),
            )
        ]
        indexes = [models.Index(fields=["-requested_at"], name="refitrun_latest")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_queued(self) -> bool:
        """Requested, not yet taken by a worker."""
        return self.status == self.Status.ACTIVE and self.started_at is None
