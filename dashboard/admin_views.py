"""The TF 성과관리 dashboard in the Wagtail admin: the page with its filters and sections, and each
chart's table as CSV. Access: the permission `dashboard.view_dashboard` (granted to a group in the admin;
superusers have it); anyone else is sent back by Wagtail as on every admin screen."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.audit import audit_record
from core.exports import cell, to_csv
from core.http import audit_context

from .forms import FilterForm, Filters
from .sections import EXPORTS, dashboard_sections, export_table

PERMISSION = "dashboard.view_dashboard"


def _query(filters: Filters) -> str:
    """The valid filters as a query string (for the CSV links)."""
    params = {
        "contest": filters.contest_id,
        "track": filters.track_id,
        "district": filters.district,
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
        "step": filters.step,
    }
    return urlencode({k: v for k, v in params.items() if v})


class DashboardView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    raise_exception = True  # Wagtail turns it into a redirect with a message
    permission_required = PERMISSION
    template_name = "dashboard/admin/dashboard.html"
    page_title = gettext_lazy("TF 성과관리 현황")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return []

    def get(self, request, *args, **kwargs):
        form = FilterForm(request.GET or None)
        valid = not form.is_bound or form.is_valid()
        context = self.get_context_data(form=form)
        if valid:
            filters = form.filters()
            context.update(sections=dashboard_sections(filters=filters), query=_query(filters), exports=EXPORTS)
        return self.render_to_response(context, status=200 if valid else 400)


class ExportView(PermissionRequiredMixin, View):
    """One chart's table (or a section's headline figures) as CSV, UTF-8 with BOM, formula-safe."""

    raise_exception = True
    permission_required = PERMISSION
    http_method_names = ["get"]

    def get(self, request, key: str):
        if key not in EXPORTS:
            raise Http404(_("내려받을 수 있는 표가 아닙니다."))
        form = FilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            errors = [str(e) for errs in form.errors.values() for e in errs]
            return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
        filters = form.filters()
        title, table = export_table(key=key, filters=filters, now=timezone.now())
        audit_record(
            actor=request.user,
            action="dashboard.export",
            after={"table": key, "rows": len(table.rows), "filters": _query(filters)},
            context=audit_context(request),
        )
        # Column names can be track names (data staff typed): formula-safe like the cells.
        header = [cell(str(h)) for h in table.header]
        response = HttpResponse(to_csv(header, table.rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="tf-{key}-{date.today():%Y%m%d}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
