from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from core.models import TimeStampedModel


class PolicyTrack(index.Indexed, TimeStampedModel):
    """One of the policy tracks of 「일자리플러스 서울 프로젝트」, managed as data in the admin.

    The name, description and key words seed the NLP track classifier before any idea is labelled.
    """

    name = models.CharField(_("이름"), max_length=60, unique=True)
    slug = models.SlugField(_("슬러그"), max_length=60, unique=True, allow_unicode=True)
    description = models.TextField(_("설명"), blank=True)
    keywords = models.CharField(
        _("핵심어"), max_length=500, blank=True, help_text=_("쉼표로 구분합니다. 트랙 자동 추천에 쓰입니다.")
    )
    job_target = models.PositiveIntegerField(_("일자리 목표"), null=True, blank=True)
    target_note = models.CharField(_("목표 설명"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("job_target"),
        FieldPanel("target_note"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("정책 트랙")
        verbose_name_plural = _("정책 트랙")

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def seed_text(self) -> str:
        """Text the classifier uses to recognise this track with no labelled ideas."""
        return " ".join([self.name, self.description, " ".join(self.keyword_list)])
