"""The forum (대토론회): discussion topics as Wagtail pages, citizens' opinions on them (a
`core.models.Submission`: screened, masked, reported, audited and analysed like ideas), 공감 on
opinions, the offline meeting's sign-ups and the summary staff publish once a topic closes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from core.models import Editable, Submission

from .choices import Audience, ParticipantRole, Position, SignupStatus

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class TopicPage(Page):
    """One discussion topic (대토론회 주제): the question, its background, the policy tracks, when
    opinions are taken (phases as data), who may take part, an optional offline meeting, its minutes,
    and staff's conclusion with the ideas and field posts it concerns."""

    question = models.CharField(_("토론 질문"), max_length=300)
    background = RichTextField(_("배경 설명"), features=RICH_FEATURES, blank=True)
    tracks = ParentalManyToManyField("ideas.PolicyTrack", blank=True, verbose_name=_("정책 트랙"))
    opens_at = models.DateTimeField(_("의견 접수 시작"))
    closes_at = models.DateTimeField(_("의견 접수 마감"))
    audience = models.CharField(_("참여 대상"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    moderation_mode = models.CharField(
        _("의견 검토 방식"),
        max_length=10,
        choices=[("flagged", _("자동 점검 통과 시 바로 공개")), ("all", _("모든 의견을 검토 후 공개"))],
        default="flagged",
    )
    meeting_at = models.DateTimeField(_("오프라인 토론회 일시"), null=True, blank=True)
    meeting_place = models.CharField(_("장소"), max_length=200, blank=True)
    meeting_capacity = models.PositiveIntegerField(_("정원"), null=True, blank=True)
    livestream_url = models.URLField(_("생중계 주소"), blank=True)
    minutes = RichTextField(_("회의록"), features=RICH_FEATURES, blank=True)
    conclusion = RichTextField(_("운영진 결론"), features=RICH_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("question"),
        FieldPanel("background"),
        FieldPanel("tracks", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("의견 접수 기간")),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("moderation_mode")]),
        MultiFieldPanel(
            [
                FieldPanel("meeting_at"),
                FieldPanel("meeting_place"),
                FieldPanel("meeting_capacity"),
                FieldPanel("livestream_url"),
                FieldPanel("minutes"),
            ],
            heading=_("오프라인 토론회"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("conclusion"),
                InlinePanel("linked_ideas", label=_("관련 아이디어")),
                InlinePanel("linked_grievances", label=_("관련 현장 건의")),
            ],
            heading=_("결론"),
        ),
    ]

    parent_page_types = ["ideas.HomePage", "ideas.ContestIndexPage"]
    subpage_types: list[str] = []
    template = "forum/topic_page.html"

    class Meta:
        verbose_name = _("토론 주제")
        verbose_name_plural = _("토론 주제")

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("마감은 시작보다 뒤여야 합니다.")
        if self.meeting_capacity is not None and self.meeting_at is None:
            errors["meeting_at"] = _("정원을 정하려면 토론회 일시를 적어 주세요.")
        if errors:
            raise ValidationError(errors)

    # ---- phases (data, read by the rules) -----------------------------------------------------

    def is_open_at(self, when) -> bool:
        return self.opens_at <= when < self.closes_at

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    @property
    def is_closed(self) -> bool:
        return timezone.now() >= self.closes_at

    @property
    def is_staff_only(self) -> bool:
        return self.audience == Audience.STAFF

    @property
    def has_meeting(self) -> bool:
        return self.meeting_at is not None

    @property
    def takes_signups(self) -> bool:
        return self.meeting_at is not None and self.meeting_capacity is not None and timezone.now() < self.meeting_at

    # ---- serving ------------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        import rules

        if not rules.has_perm("forum.view_topic", request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # A page is a model: it never imports views or selectors. What the topic page shows is plugged
        # in through the `topic_page_context` hook (forum/wagtail_hooks.py), as ideas' pages do.
        context = super().get_context(request, *args, **kwargs)
        for fn in hooks.get_hooks("topic_page_context"):
            context.update(fn(request, self))
        return context


class TopicLinkedIdea(Orderable):
    """An idea the topic's conclusion concerns (chosen in the page editor)."""

    topic = ParentalKey(TopicPage, on_delete=models.CASCADE, related_name="linked_ideas")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="+", verbose_name=_("아이디어"))

    panels = [FieldPanel("idea")]


class TopicLinkedGrievance(Orderable):
    """A field post the topic's conclusion concerns (chosen in the page editor)."""

    topic = ParentalKey(TopicPage, on_delete=models.CASCADE, related_name="linked_grievances")
    grievance = models.ForeignKey(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="+", verbose_name=_("현장 건의")
    )

    panels = [FieldPanel("grievance")]


class OpinionQuerySet(models.QuerySet):
    def public(self):
        """Published, not hidden, not deleted by its author."""
        return self.filter(published_at__isnull=False, hidden_at__isnull=True, deleted_at__isnull=True)

    def top_level(self):
        return self.filter(parent__isnull=True)


class Opinion(Editable, Submission):
    """An opinion on a topic (찬성 / 반대 / 제안 / 자유), or a reply to one (one level deep). Shows the
    author's role as verified when it was posted (시민, 현장 종사자, 전문가 with the affiliation).

    Its author edits it within the edit window and deletes it while the topic is open, by the rules
    comments share (`core.editing`): "수정됨" after an edit; deleted, it is shown as "삭제된
    의견입니다" while it has public replies, else it disappears (and leaves every count and summary)."""

    MODERATED_TEXT_FIELDS = ("body",)

    title = models.CharField(_("제목"), max_length=200, blank=True)
    body = models.TextField(_("의견"), max_length=3000)
    topic = models.ForeignKey(TopicPage, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("토론 주제"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("답글 대상")
    )
    position = models.CharField(_("입장"), max_length=10, choices=Position.choices, blank=True)
    author_role = models.CharField(
        _("작성자 역할"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.CITIZEN
    )
    author_affiliation = models.CharField(_("소속"), max_length=100, blank=True)
    support_count = models.PositiveIntegerField(_("공감 수"), default=0)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("의견")
        verbose_name_plural = _("의견")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["topic", "parent", "-created_at"], name="opinion_topic_latest"),
            models.Index(fields=["topic", "parent", "-support_count"], name="opinion_topic_support"),
            # The NLP corpus's signature (`nlp.adapter._signature` over `Opinion.objects.public()`: last
            # change and last id at every look, the count every few seconds): this small index, not the table.
            models.Index(
                fields=["updated_at", "id"],
                name="opinion_nlp_live",
                condition=models.Q(published_at__isnull=False, hidden_at__isnull=True, deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        text = self.body_public or self.body
        return text[:40] + ("…" if len(text) > 40 else "")

    def get_absolute_url(self) -> str:
        return f"{self.topic.url}#opinion-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None and self.deleted_at is None

    @property
    def public_text(self) -> str:
        return self.body_public


class OpinionSupport(models.Model):
    """공감 on an opinion: one per person, guaranteed by the database."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("의견 공감")
        verbose_name_plural = _("의견 공감")
        constraints = [models.UniqueConstraint(fields=["user", "opinion"], name="opinion_support_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.opinion_id}"


class MeetingSignup(models.Model):
    """A sign-up for a topic's offline meeting: confirmed within the capacity, else on the waiting list
    (in order of sign-up). Written only by `forum.services` under a lock on the topic."""

    topic = models.ForeignKey(TopicPage, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("상태"), max_length=10, choices=SignupStatus.choices)
    created_at = models.DateTimeField(_("신청 일시"), default=timezone.now)

    class Meta:
        verbose_name = _("토론회 참가 신청")
        verbose_name_plural = _("토론회 참가 신청")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="signup_once_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.user_id} ({self.status})"


class TopicSummary(models.Model):
    """What a closed topic's opinions said, built by `forum.services.topic_summary_build` (counts per
    position and role, NLP clusters with key terms and verbatim representative sentences) and shown on
    the page once staff publish it, with the page's conclusion."""

    topic = models.OneToOneField(TopicPage, on_delete=models.CASCADE, related_name="summary")
    data = models.JSONField(default=dict)
    built_at = models.DateTimeField(_("작성 일시"))
    published_at = models.DateTimeField(_("공개 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("토론 요약")
        verbose_name_plural = _("토론 요약")

    def __str__(self) -> str:
        return f"{self.topic_id}"
