"""Staff side of ideas in the Wagtail admin: tracks and ideas as snippet viewsets."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.audit import audit_record
from core.http import audit_context

from . import selectors, views
from .models import Idea, PolicyTrack
from .services import official_answer_screen
from .triage import hooks as triage_hooks  # noqa: F401 - registers the triage screen


class PolicyTrackViewSet(SnippetViewSet):
    model = PolicyTrack
    icon = "tag"
    menu_label = _("정책 트랙")
    list_display = ["name", "job_target", "sort_order"]
    search_fields = ["name", "description"]


class IdeaAdminForm(WagtailAdminModelForm):
    """Staff edit an idea's official answer here: it is published, so it is screened like every
    public text (personal data masked, the city's own contact numbers kept)."""

    def clean_official_answer(self):
        return official_answer_screen(self.cleaned_data.get("official_answer") or "")


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
    # Staff search the author's text as written, inside words (Korean particles): a database
    # `icontains` filter over `search_fields`, not the search index (which holds only the public text).
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    add_to_admin_menu = False
    edit_handler_panels = [
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
    edit_handler = ObjectList(edit_handler_panels, base_form_class=IdeaAdminForm)

    def get_queryset(self, request):
        return Idea.objects.select_related("contest", "track", "suggested_track", "author")


class IdeasGroup(SnippetViewSetGroup):
    menu_label = _("공모 아이디어")
    menu_icon = "list-ul"
    menu_order = 200
    items = (IdeaViewSet, PolicyTrackViewSet)


register_snippet(IdeasGroup)


def _idea_snapshot(idea: Idea) -> dict:
    return {
        "official_answer": idea.official_answer,
        "tags": sorted(idea.tags.names()),
    }


@hooks.register("before_edit_snippet")
def remember_idea_before_edit(request, instance):
    if isinstance(instance, Idea):
        request._idea_before_edit = _idea_snapshot(Idea.objects.get(pk=instance.pk))


@hooks.register("after_edit_snippet")
def audit_idea_edit(request, instance):
    """Staff edits of an idea in the admin (official answer, tags) go into the audit trail."""
    if not isinstance(instance, Idea):
        return
    before = getattr(request, "_idea_before_edit", {})
    after = _idea_snapshot(instance)
    changed = {k for k in after if before.get(k) != after[k]}
    if changed:
        audit_record(
            actor=request.user,
            action="idea.tags" if changed == {"tags"} else "idea.edit",
            target=instance,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
            context=audit_context(request),
        )


# ---- what the pages show: pages never import views or selectors, they ask these hooks -----------


@hooks.register("home_page_context")
def home_page_context(request, page) -> dict:
    return {"open_contests": selectors.contest_list_open(), "latest_ideas": selectors.idea_list_public()[:6]}


# ---- 상시 제안: staff invite a standing idea into an open round ------------------------------------


@hooks.register("register_admin_urls")
def register_invite_admin_urls():
    from django.urls import include, path

    from . import invitation_views

    urls = [path("<str:reference>/invite/", invitation_views.idea_invite_admin, name="invite")]
    return [path("standing-ideas/", include((urls, "ideas_admin"), namespace="ideas_admin"))]


@hooks.register("register_snippet_listing_buttons")
def standing_idea_listing_buttons(snippet, user, next_url=None):
    """On the idea list of the admin: "공모전에 초대" for a standing idea, for those allowed."""
    import rules
    from django.urls import reverse
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Idea) and rules.has_perm("ideas.invite_idea", user, snippet):
        yield ListingButton(
            _("공모전에 초대"),
            reverse("ideas_admin:invite", args=[snippet.reference]),
            icon_name="arrow-right",
            priority=60,
        )


@hooks.register("contest_page_context")
def contest_page_context(request, contest) -> dict:
    context = {"recent_ideas": selectors.idea_list_public(contest=contest)[:6]}
    if contest.is_results_published:
        context["winners"] = selectors.idea_list_results(contest=contest)
    return context


@hooks.register("contest_subpages")
def contest_subpages() -> dict:
    return {"ideas": views.contest_idea_list, "submit": views.contest_idea_submit}
