"""The 현장 기동대 grievance board: field posts (애로 / 건의) routed to a city department with an answer
deadline, and the data staff manage around them (departments, partner organisations, industries,
field visits, public holidays, answer templates).

A `Grievance` is a `core.models.Submission`: it is screened, masked, reported, audited and analysed by
the shared mechanisms (registered in `GrievancesConfig.ready()`), never by code of its own. Status
changes only through `grievances.services`; every step is a `GrievanceEvent`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from core.models import Analysed, Submission, TimeStampedModel, UploadedFile
from core.roles import user_is_moderation_staff
from ideas.choices import District
from nlp.text import join_title_content

from .choices import (
    CLOSED_STATUSES,
    DEFAULT_ANSWER_DAYS,
    OPEN_STATUSES,
    REFERRAL_OPEN_STATUSES,
    Channel,
    EventKind,
    GrievanceKind,
    GrievanceStatus,
    Rating,
    ReferralStatus,
)


class Department(TimeStampedModel):
    """A city department that answers field posts; its members see and answer its posts."""

    name = models.CharField(_("부서 이름"), max_length=80, unique=True)
    slug = models.SlugField(_("슬러그"), max_length=80, unique=True, allow_unicode=True)
    agency = models.CharField(_("소속 기관"), max_length=80, default="서울특별시")
    email = models.EmailField(_("부서 대표 e-메일"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name=_("부서원")
    )
    tracks = models.ManyToManyField(
        "ideas.PolicyTrack",
        blank=True,
        related_name="departments",
        verbose_name=_("담당 정책 트랙"),
        help_text=_("배정 추천에 쓰입니다: 이 트랙의 글은 이 부서로 추천됩니다."),
    )
    is_active = models.BooleanField(_("사용"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("agency"),
        FieldPanel("email"),
        FieldPanel("members"),
        FieldPanel("tracks"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("담당 부서")
        verbose_name_plural = _("담당 부서")

    def __str__(self) -> str:
        return self.name


class Organisation(TimeStampedModel):
    """A partner body the field task force goes out with (중소기업중앙회, 택시운송사업조합, 자치구
    일자리센터 …); each field worker belongs to one."""

    name = models.CharField(_("기관 이름"), max_length=80, unique=True)
    slug = models.SlugField(_("슬러그"), max_length=80, unique=True, allow_unicode=True)
    description = models.CharField(_("설명"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("협력 기관")
        verbose_name_plural = _("협력 기관")

    def __str__(self) -> str:
        return self.name


class FieldWorker(TimeStampedModel):
    """A user staff made a field worker (the `현장근무자` role group), tied to an organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_worker", verbose_name=_("사용자")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="field_workers", verbose_name=_("소속 기관")
    )
    is_active = models.BooleanField(_("활동 중"), default=True)

    panels = [FieldPanel("user"), FieldPanel("organisation"), FieldPanel("is_active")]

    class Meta:
        verbose_name = _("현장 기동대원")
        verbose_name_plural = _("현장 기동대원")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class Industry(models.Model):
    """A short list of industries staff manage (택시·운수, 제조, 음식·숙박 …)."""

    name = models.CharField(_("업종"), max_length=60, unique=True)
    slug = models.SlugField(_("슬러그"), max_length=60, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("업종")
        verbose_name_plural = _("업종")

    def __str__(self) -> str:
        return self.name


class FieldVisit(TimeStampedModel):
    """One outing of the field task force: several posts can come from the same visit."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="visits", verbose_name=_("협력 기관")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_visits", verbose_name=_("기동대원")
    )
    visited_on = models.DateField(_("방문일"))
    place = models.CharField(_("방문 장소"), max_length=120)
    place_public = models.CharField(max_length=120, blank=True, editable=False)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("현장 방문")
        verbose_name_plural = _("현장 방문")

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.place_public or self.place}"


class Holiday(models.Model):
    """A public holiday (관공서의 공휴일, 대체공휴일, 선거일 …): kept as data staff extend each year, never
    computed. Answer deadlines skip these days, Saturdays and Sundays."""

    date = models.DateField(_("날짜"), unique=True)
    name = models.CharField(_("이름"), max_length=60)

    panels = [FieldPanel("date"), FieldPanel("name")]

    class Meta:
        ordering = ["date"]
        verbose_name = _("공휴일")
        verbose_name_plural = _("공휴일")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


@register_setting(icon="date")
class GrievanceSettings(BaseGenericSetting):
    """The board's service targets (answer periods, in days, counted as the 민원 rules count them)."""

    difficulty_days = models.PositiveSmallIntegerField(
        _("애로사항 답변 기간(일)"), default=DEFAULT_ANSWER_DAYS[GrievanceKind.DIFFICULTY]
    )
    suggestion_days = models.PositiveSmallIntegerField(
        _("건의사항 답변 기간(일)"), default=DEFAULT_ANSWER_DAYS[GrievanceKind.SUGGESTION]
    )

    panels = [FieldPanel("difficulty_days"), FieldPanel("suggestion_days")]

    class Meta:
        verbose_name = _("현장 건의 처리 기간")

    def days_for(self, kind: str) -> int:
        return self.suggestion_days if kind == GrievanceKind.SUGGESTION else self.difficulty_days


class GrievanceQuerySet(models.QuerySet):
    @staticmethod
    def public_q() -> Q:
        """What the public board shows: submitted (not a draft), approved by screening, not hidden,
        the poster chose 공개, not merged away."""
        return (
            Q(published_at__isnull=False, hidden_at__isnull=True, is_disclosed=True)
            & ~Q(status=GrievanceStatus.DRAFT)
            & Q(merged_into__isnull=True)
        )

    def public(self):
        return self.filter(self.public_q())

    def submitted(self):
        return self.exclude(status=GrievanceStatus.DRAFT)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def visible_to(self, user):
        """The queryset twin of the `grievances.view_grievance` rule: public posts; the poster's own;
        posts of the user's departments; staff (moderators) see all. A receipt code is checked in the view."""
        if user_is_moderation_staff(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(self.public_q() | Q(author=user) | Q(department__members=user)).distinct()
        return self.public()


class Grievance(Analysed, Submission):
    """A field post: an 애로사항 or 건의사항 from a workplace or a job seeker, routed to a department.

    Written by a citizen, by a field worker from a field visit, or on behalf of a person without an
    account (대리 접수), who then follows it with a receipt code (only its digest is stored).
    """

    MODERATED_TEXT_FIELDS = ("title", "body", "company_name", "address")

    reference = models.CharField(_("접수 번호"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("유형"), max_length=20, choices=GrievanceKind.choices)
    status = models.CharField(
        _("상태"), max_length=20, choices=GrievanceStatus.choices, default=GrievanceStatus.DRAFT, db_index=True
    )
    channel = models.CharField(_("접수 경로"), max_length=10, choices=Channel.choices, default=Channel.CITIZEN)
    submission_token = models.UUIDField(default=uuid.uuid4, editable=False)

    district = models.CharField(_("지역"), max_length=20, choices=District.choices)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="grievances", verbose_name=_("업종")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("협력 기관"),
    )
    visit = models.ForeignKey(
        FieldVisit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("현장 방문"),
    )
    on_behalf = models.BooleanField(
        _("현장에서 만난 분을 대신해 작성"),
        default=False,
        help_text=_("그분의 이름이나 연락처는 저장하지 않습니다."),
    )
    company_name = models.CharField(_("사업장 이름"), max_length=100, blank=True)
    company_name_public = models.CharField(max_length=100, blank=True, editable=False)
    hide_company = models.BooleanField(_("공개 글에서 사업장 이름 숨기기"), default=True)
    address = models.CharField(_("위치(주소)"), max_length=200, blank=True)
    address_public = models.CharField(max_length=200, blank=True, editable=False)
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_disclosed = models.BooleanField(
        _("공개"),
        default=True,
        help_text=_("비공개 글과 그 답변은 작성자(또는 접수 확인 코드), 담당 부서와 운영진만 봅니다."),
    )

    track = models.ForeignKey(
        "ideas.PolicyTrack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("정책 트랙"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("담당 부서"),
    )
    suggested_track = models.ForeignKey(
        "ideas.PolicyTrack", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_track_score = models.FloatField(null=True, blank=True)
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_department_score = models.FloatField(null=True, blank=True)
    route_confirmed = models.BooleanField(_("담당자가 배정을 확인함"), default=False)

    received_at = models.DateTimeField(_("접수 일시"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("답변 기한"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("최초 답변 기한"), null=True, blank=True)
    extended_at = models.DateTimeField(_("기간 연장 일시"), null=True, blank=True)
    extension_reason = models.TextField(_("연장 사유"), blank=True)
    answer = models.TextField(_("답변"), blank=True)
    answer_public = models.TextField(blank=True, editable=False)
    answered_at = models.DateTimeField(_("답변 일시"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_answered_at = models.DateTimeField(_("최초 답변 일시"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("기한 내 답변"), null=True, blank=True)
    handed_over_to = models.CharField(_("이송 기관"), max_length=80, blank=True)
    handover_reason = models.TextField(_("이송 사유"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_posts",
        verbose_name=_("병합된 글"),
    )
    closed_at = models.DateTimeField(_("종결 일시"), null=True, blank=True)

    receipt_code_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    rating = models.CharField(_("만족도"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("만족도 의견"), blank=True, max_length=1000)
    rated_at = models.DateTimeField(null=True, blank=True)
    reanswer_requested_at = models.DateTimeField(_("재답변 요청 일시"), null=True, blank=True)
    reanswer_reason = models.TextField(_("재답변 요청 사유"), blank=True, max_length=1000)

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("현장 건의")
        verbose_name_plural = _("현장 건의")
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_token"], name="grievance_once_per_form"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90), name="grievance_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(long__isnull=True) | Q(long__gte=-180, long__lte=180), name="grievance_long_range"
            ),
        ]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="grievance_latest"),
            models.Index(fields=["department", "status", "due_at"], name="grievance_inbox"),
            models.Index(fields=["status", "due_at"], name="grievance_due"),
            models.Index(fields=["kind", "-published_at"], name="grievance_kind"),
            models.Index(fields=["district", "-published_at"], name="grievance_district"),
            # The NLP corpus of live posts (`registration.grievance_corpus_queryset`): its signature (last
            # change, last id, the count) and the routing model's delta (posts changed since the refit),
            # read for every routing suggestion, are index scans of this small index instead of reads of
            # the whole table, which grew with the history (35-40 ms at 20,000 posts, seq scans).
            models.Index(
                fields=["updated_at", "id"],
                name="grievance_nlp_live",
                condition=~Q(status=GrievanceStatus.DRAFT) & Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.reference}] {self.title_public or self.title}"

    def get_absolute_url(self) -> str:
        return reverse("grievances:detail", kwargs={"reference": self.reference})

    @property
    def public_title(self) -> str:
        return self.title_public or self.title

    @property
    def public_text(self) -> str:
        """Title and body as the NLP and search see them: the masked copies."""
        return join_title_content(self.public_title, self.body_public)

    @property
    def public_company(self) -> str:
        return "" if self.hide_company else self.company_name_public

    @property
    def is_public(self) -> bool:
        return (
            self.published_at is not None
            and self.hidden_at is None
            and self.is_disclosed
            and self.status != GrievanceStatus.DRAFT
            and self.merged_into_id is None
        )

    @property
    def is_draft(self) -> bool:
        return self.status == GrievanceStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def open311_status(self) -> str:
        return "closed" if self.is_closed else "open"


class GrievanceEvent(models.Model):
    """One step of a post's history: who did what, from which department to which, and the message the
    poster reads (masked). Transfers keep both departments; extensions keep the reason."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=GrievanceStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=GrievanceStatus.choices, blank=True)
    from_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("안내 내용"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("처리 이력")
        verbose_name_plural = _("처리 이력")

    def __str__(self) -> str:
        return f"{self.grievance_id}: {self.get_kind_display()}"


class GrievancePhoto(UploadedFile):
    """A photo of a field post: type checked from its content, EXIF (GPS, device) stripped on upload."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("사진"), upload_to="grievances/photos/%Y/%m/")

    class Meta:
        verbose_name = _("사진")
        verbose_name_plural = _("사진")


class AnswerTemplate(TimeStampedModel):
    """A reusable answer text for a department's inbox (or every department's, when none is set)."""

    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
        verbose_name=_("부서"),
    )
    title = models.CharField(_("이름"), max_length=80)
    body = models.TextField(_("답변 내용"))

    panels = [FieldPanel("department"), FieldPanel("title"), FieldPanel("body")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("답변 서식")
        verbose_name_plural = _("답변 서식")

    def __str__(self) -> str:
        return self.title


class IdeaReferral(TimeStampedModel):
    """A 상시 제안 idea staff referred to a city department for an answer, like a field post: the answer
    period of a 건의 (`GrievanceSettings`), counted in working days by `grievances.deadlines`; the answer is
    published masked on the idea's page. At most one open referral per idea. Changes only through
    `grievances.referrals`; each step is audited (`core.audit`)."""

    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("아이디어")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="idea_referrals", verbose_name=_("담당 부서")
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED, db_index=True
    )
    request_note = models.TextField(_("요청 내용"), blank=True, max_length=2000)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("요청 일시"))
    due_at = models.DateTimeField(_("답변 기한"), db_index=True)
    answer = models.TextField(_("답변"), blank=True)
    answer_public = models.TextField(blank=True, editable=False)
    answered_at = models.DateTimeField(_("답변 일시"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on_time = models.BooleanField(_("기한 내 답변"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("아이디어 답변 요청")
        verbose_name_plural = _("아이디어 답변 요청")
        constraints = [
            models.UniqueConstraint(
                fields=["idea"],
                condition=Q(status__in=["referred", "transferred"]),
                name="idea_referral_one_open",
            )
        ]
        indexes = [models.Index(fields=["department", "status", "due_at"], name="idea_referral_inbox")]

    def __str__(self) -> str:
        return f"{self.idea} → {self.department}"

    @property
    def is_open(self) -> bool:
        return self.status in REFERRAL_OPEN_STATUSES
