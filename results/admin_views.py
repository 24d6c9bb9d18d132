"""Staff screens of the results side in the Wagtail admin: adopting selected ideas, importing projects'
updates and programmes' results (a dry-run preview, then the same file applied atomically), the projects'
CSV, and the suggested coordinator match staff confirm."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.audit import audit_record
from core.http import audit_context, parse_id
from ideas.choices import IdeaStatus
from ideas.models import Idea

from . import imports, selectors, services
from .forms import AdoptForm, ImportForm
from .models import Programme, Project

_SALT = "results.import"


class ResultsAdminView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    raise_exception = True
    permission_required = "results.manage_projects"
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return []


class AdoptView(ResultsAdminView):
    """Selected ideas with their adoptions; a form per idea adopts it into a project."""

    template_name = "results/admin/adopt.html"
    page_title = gettext_lazy("아이디어 채택")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ideas = list(
            Idea.objects.filter(status=IdeaStatus.SELECTED).select_related("contest", "track").order_by("reference")
        )
        adoptions = selectors.projects_of_ideas(idea_ids=[i.pk for i in ideas])
        context["rows"] = [(idea, adoptions.get(idea.pk, [])) for idea in ideas]
        context["form"] = kwargs.get("form") or AdoptForm()
        context["failed"] = kwargs.get("failed")
        return context

    def post(self, request):
        idea = get_object_or_404(Idea, pk=parse_id(request.POST.get("idea")) or 0)
        form = AdoptForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                adoption = services.project_adopt(
                    idea=idea,
                    project=d["project"],
                    new_project={"title": d["new_title"].strip()} if not d["project"] else None,
                    actor=request.user,
                    context=audit_context(request),
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("%(idea)s을(를) '%(project)s' 사업에 채택했습니다. 제안자에게 동의를 요청했습니다.")
                    % {"idea": idea.reference, "project": adoption.project.title},
                )
                return redirect("results_admin:adopt")
        else:
            for message in form.non_field_errors():
                messages.error(request, message)
        return self.render_to_response(self.get_context_data(form=form, failed=idea.pk))


class ImportView(ResultsAdminView):
    """Upload → preview every row with its errors (nothing saved) → apply the same file (signed into the
    form) atomically, only when every row is good."""

    template_name = "results/admin/import.html"
    kind = "projects"

    @property
    def page_title(self):
        return _("채택 사업 현황 가져오기") if self.kind == "projects" else _("시 일자리 사업 실적 가져오기")

    def _run(self, *, data: bytes, name: str, commit: bool):
        if self.kind == "projects":
            return imports.projects_import(
                data=data, filename=name, actor=self.request.user, context=audit_context(self.request), commit=commit
            )
        return imports.programmes_import(
            data=data,
            filename=name,
            actor=self.request.user,
            context=audit_context(self.request),
            commit=commit,
            programmes=Programme.objects.all(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["kind"] = self.kind
        context["columns"] = (
            ["사업번호", "상태", "진척률", "일자리", "기준일", "출처"]
            if self.kind == "projects"
            else ["사업", "기간 시작", "기간 끝", "일자리", "출처"]
        )
        return context

    def post(self, request):
        token = request.POST.get("token")
        if token:
            try:
                payload = signing.loads(token, salt=_SALT, max_age=3600)
                data, name = base64.b64decode(payload["data"]), payload["name"]
            except (signing.BadSignature, KeyError, ValueError):
                messages.error(request, _("미리 보기가 만료되었습니다. 파일을 다시 올려 주세요."))
                return redirect(request.path)
            form = ImportForm()
            commit = True
        else:
            form = ImportForm(request.POST, request.FILES)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", _("파일이 너무 큽니다 (2MB 이하)."))
                return self.render_to_response(self.get_context_data(form=form))
            data, name = upload.read(), upload.name
            commit = False
        try:
            result = self._run(data=data, name=name, commit=commit)
        except imports.ImportFileError as error:
            form.add_error(None, str(error)) if not token else messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(form=form))
        if result.saved:
            messages.success(request, _("%(n)d행을 가져왔습니다.") % {"n": len(result.rows)})
            return redirect(request.path)
        token = (
            signing.dumps({"data": base64.b64encode(data).decode(), "name": name}, salt=_SALT, compress=True)
            if result.ok
            else ""
        )
        if commit and not result.ok:
            messages.error(request, _("잘못된 행이 있어 아무것도 저장하지 않았습니다."))
        return self.render_to_response(self.get_context_data(form=form, result=result, token=token))


class ProjectsImportView(ImportView):
    kind = "projects"


class ProgrammesImportView(ImportView):
    kind = "programmes"


class ProjectsExportView(PermissionRequiredMixin, View):
    """Every project's current figures as CSV (the import's template); audited."""

    raise_exception = True
    permission_required = "results.manage_projects"
    http_method_names = ["get"]

    def get(self, request):
        content = imports.projects_export_csv()
        audit_record(actor=request.user, action="project.export", context=audit_context(request))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="projects.csv"'
        return response


class CoordinatorMatchView(ResultsAdminView):
    """The coordinators suggested for a project by field and load; staff confirm one."""

    template_name = "results/admin/coordinator_match.html"
    page_title = gettext_lazy("일자리 창출코디네이터 지정")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(Project.objects.select_related("track", "industry", "coordinator"), pk=kwargs["pk"])
        context.update(project=project, matches=selectors.coordinator_suggestions(project=project))
        return context

    def post(self, request, pk: int):
        from django.contrib.auth import get_user_model

        project = get_object_or_404(Project, pk=pk)
        user = get_user_model().objects.filter(pk=parse_id(request.POST.get("coordinator")) or 0).first()
        if user is None:
            raise Http404(_("사용자를 찾을 수 없습니다."))
        try:
            services.coordinator_assign(
                project=project, coordinator=user, actor=request.user, context=audit_context(request)
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, _("%(name)s 님을 코디네이터로 지정했습니다.") % {"name": user.public_name})
        return redirect(reverse("results_admin:coordinator-match", kwargs={"pk": pk}))
