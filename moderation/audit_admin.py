"""The audit trail in the Wagtail admin: a read-only, filterable listing with CSV/XLSX export.

Nobody can add, change or delete an entry here (the permission policy grants "view" only and
the viewset exposes no edit URLs). Exporting is itself audited.
"""

from __future__ import annotations

from collections import OrderedDict

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from core.audit import action_label, audit_record
from core.http import audit_context
from core.models import AuditEntry

#: Leading characters that make spreadsheet software run a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def local_time(value) -> str:
    """An audit time as staff read it: in the site's time zone (Asia/Seoul), to the second."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def local_naive(value):
    """The same moment for a spreadsheet cell (no time zone there): the local wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def csv_safe(value) -> str:
    """A cell value that spreadsheet software shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class AuditPermissionPolicy(ModelPermissionPolicy):
    """View only, for whoever the rule `moderation.view_auditentry` allows — superusers included,
    who would otherwise get add/change/delete on every model."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.has_perm("moderation.view_auditentry")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(label=_("행위 코드 (앞부분, 예: screening)"), lookup_expr="istartswith")
    actor = django_filters.CharFilter(label=_("처리자 (이메일·이름)"), method="filter_actor")
    object_repr = django_filters.CharFilter(label=_("대상"), lookup_expr="icontains")
    created_at = django_filters.DateFromToRangeFilter(label=_("일시"), widget=DateRangePickerWidget)
    ip_address = django_filters.CharFilter(label=_("접속 IP"), lookup_expr="startswith")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "object_repr", "created_at", "ip_address"]

    def filter_actor(self, queryset, name, value):
        return queryset.filter(
            Q(actor__email__icontains=value)
            | Q(actor__display_name__icontains=value)
            | Q(actor__username__icontains=value)
        )


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor", "content_type")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit_record(
            actor=self.request.user,
            action="audit.export",
            after={
                "format": spreadsheet_format,
                "rows": queryset.count(),
                "filters": {k: v for k, v in self.request.GET.items() if k != "export"},
            },
            context=audit_context(self.request),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def to_row_dict(self, item):
        """Each exported row names the action in Korean ("행위") next to its code ("행위 코드")."""
        return OrderedDict(
            (field, action_label(item.action) if field == "action_label" else getattr(item, field))
            for field in self.list_export
        )

    def stream_csv(self, queryset):
        """The CSV starts with a UTF-8 byte order mark, so spreadsheet software reads the Korean
        text (names, notes, purposes of personal-data access) correctly."""
        yield "\ufeff"
        yield from super().stream_csv(queryset)


class AuditInspectView(InspectView):
    """One record: the action by its Korean name (and code), the time in Seoul."""

    def get_action_display_value(self):
        label = action_label(self.object.action)
        return label if label == self.object.action else f"{label} ({self.object.action})"

    def get_created_at_display_value(self):
        return local_time(self.object.created_at)


#: Every field of an audit record, in the order the inspect view shows them.
AUDIT_FIELDS = [
    "created_at",
    "actor",
    "action",
    "content_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "ip_address",
    "user_agent",
]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("감사 기록")
    add_to_admin_menu = False
    name = "audit"
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AuditEntryFilterSet
    list_per_page = 50
    ordering = ["-created_at", "-id"]
    list_display = [
        TitleColumn("action", label=_("행위"), url_name="audit:inspect", accessor=lambda e: action_label(e.action)),
        Column("created_at", label=_("일시"), accessor=lambda e: local_time(e.created_at)),
        Column("actor", label=_("처리자")),
        Column("object_repr", label=_("대상")),
        Column("ip_address", label=_("접속 IP")),
    ]
    inspect_view_fields = AUDIT_FIELDS
    # The exports name the action in Korean and keep its code for filtering.
    list_export = [*AUDIT_FIELDS[:2], "action_label", *AUDIT_FIELDS[2:]]
    export_headings = {
        "created_at": _("일시"),
        "actor": _("처리자"),
        "action_label": _("행위"),
        "action": _("행위 코드"),
        "content_type": _("대상 종류"),
        "object_id": _("대상 ID"),
        "object_repr": _("대상"),
        "before": _("변경 전"),
        "after": _("변경 후"),
        "note": _("메모"),
        "ip_address": _("접속 IP"),
        "user_agent": _("브라우저"),
    }
    export_filename = "audit-log"

    def get_index_view_kwargs(self, **kwargs):
        kwargs = super().get_index_view_kwargs(**kwargs)
        # Free text in the trail (notes, names, object titles) is written by citizens and staff:
        # a value starting with "=" must never become a formula in a CSV opened in a spreadsheet.
        kwargs.setdefault("custom_field_preprocess", {})
        kwargs["custom_field_preprocess"] = {
            f: {"csv": csv_safe}
            for f in ["actor", "action_label", "action", "object_repr", "before", "after", "note", "user_agent"]
        }
        # Times in Seoul, not UTC: text in the CSV, a local date-time cell in the XLSX.
        kwargs["custom_field_preprocess"]["created_at"] = {"csv": local_time, "xlsx": local_naive}
        return kwargs

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
