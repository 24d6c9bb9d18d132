"""Staff side of ideas in the Wagtail admin: tracks and ideas as snippet viewsets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Idea, PolicyTrack


class PolicyTrackViewSet(SnippetViewSet):
    model = PolicyTrack
    icon = "tag"
    menu_label = _("정책 트랙")
    list_display = ["name", "job_target", "sort_order"]
    search_fields = ["name", "description"]


class IdeaViewSet(SnippetViewSet):
    model = Idea
    icon = "doc-full"
    menu_label = _("아이디어")
    list_display = [
        "reference",
        "title",
        Column("contest", label=_("공모전")),
        "status",
        "track",
        "suggested_track",
        "created_at",
    ]
    list_filter = ["status", "contest", "track", "target_group", "district"]
    search_fields = ["title", "summary", "body", "reference"]
    ordering = ["-created_at"]
    inspect_view_enabled = True
    add_to_admin_menu = False
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title", read_only=True),
                FieldPanel("summary", read_only=True),
                FieldPanel("body", read_only=True),
            ],
            heading=_("제안 내용"),
        ),
        FieldPanel("official_answer"),
        FieldPanel("tags"),
    ]

    def get_queryset(self, request):
        return Idea.objects.select_related("contest", "track", "suggested_track", "author")


class IdeasGroup(SnippetViewSetGroup):
    menu_label = _("공모 아이디어")
    menu_icon = "list-ul"
    menu_order = 200
    items = (IdeaViewSet, PolicyTrackViewSet)


register_snippet(IdeasGroup)
