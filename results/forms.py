"""Forms of the results side: the coordinator's project update, a department's programme report, the
author's answer to an adoption, and (admin) adopting an idea, importing a file, confirming a coordinator."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ProjectStatus
from .models import Programme, Project

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectUpdateForm(forms.Form):
    """What a coordinator (or staff) reports on the site: status, progress, milestones reached and, as a
    set, a new cumulative jobs figure with its date and source."""

    status = forms.ChoiceField(label=_("상태"), choices=ProjectStatus.choices)
    progress = forms.IntegerField(label=_("진척률(%)"), min_value=0, max_value=100)
    milestones_done = forms.MultipleChoiceField(
        label=_("완료한 단계"), required=False, widget=forms.CheckboxSelectMultiple
    )
    jobs = forms.IntegerField(
        label=_("창출 일자리 수(누적)"),
        required=False,
        min_value=0,
        help_text=_("새 실적을 보고할 때만 적으세요. 기준일과 출처도 함께 적어야 합니다."),
    )
    jobs_as_of = forms.DateField(label=_("기준일"), required=False, widget=DATE)
    jobs_source = forms.CharField(label=_("출처"), required=False, max_length=150)

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("initial", {"status": project.status, "progress": project.progress})
        super().__init__(*args, **kwargs)
        open_milestones = [m for m in project.milestones.all() if m.done_at is None]
        self.fields["milestones_done"].choices = [
            (str(m.pk), f"{m.title} ({m.due_date:%Y-%m-%d})") for m in open_milestones
        ]
        if not open_milestones:
            del self.fields["milestones_done"]

    def clean(self):
        data = super().clean()
        jobs, as_of, source = data.get("jobs"), data.get("jobs_as_of"), (data.get("jobs_source") or "").strip()
        if jobs is not None or as_of or source or "jobs" in self.errors:
            if jobs is None and "jobs" not in self.errors:
                self.add_error("jobs", _("일자리 수를 적어 주세요."))
            if not as_of and "jobs_as_of" not in self.errors:
                self.add_error("jobs_as_of", _("기준일을 적어 주세요."))
            elif as_of and as_of > timezone.localdate():
                self.add_error("jobs_as_of", _("기준일은 오늘 이후일 수 없습니다."))
            if not source:
                self.add_error("jobs_source", _("실적의 출처를 적어 주세요."))
        return data


class ProgrammeReportForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("사업"), queryset=Programme.objects.none())
    period_start = forms.DateField(label=_("기간 시작"), widget=DATE)
    period_end = forms.DateField(label=_("기간 끝"), widget=DATE)
    jobs = forms.IntegerField(label=_("창출 일자리 수"), min_value=0)
    source = forms.CharField(label=_("출처"), required=False, max_length=150)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("기간의 끝이 시작보다 앞설 수 없습니다."))
        return data


class AdoptionAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("채택에 동의하십니까?"),
        choices=[("accept", _("동의합니다")), ("decline", _("동의하지 않습니다"))],
        widget=forms.RadioSelect,
    )
    credit = forms.BooleanField(
        label=_("사업 페이지에 제안자로 제 이름(과 공동 제안자의 이름)을 밝혀 주세요."), required=False
    )


class AdoptForm(forms.Form):
    """Staff adopt a selected idea into an existing project or a new one."""

    project = forms.ModelChoiceField(
        label=_("기존 사업에 채택"), queryset=Project.objects.order_by("title"), required=False
    )
    new_title = forms.CharField(label=_("또는 새 사업 이름"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        if not data.get("project") and not (data.get("new_title") or "").strip():
            raise forms.ValidationError(_("기존 사업을 고르거나 새 사업 이름을 적어 주세요."))
        if data.get("project") and (data.get("new_title") or "").strip():
            raise forms.ValidationError(_("기존 사업과 새 사업 중 하나만 고르세요."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 또는 엑셀(.xlsx) 파일"))
