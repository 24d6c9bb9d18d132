"""Forms of the department inbox and a post's admin page: they parse input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import PolicyTrack

from .choices import GrievanceKind, GrievanceStatus
from .inbox import ALL, OPEN, UNASSIGNED, InboxFilters
from .models import Department, Grievance

TEXT = {"rows": 4, "maxlength": 5000}


def _active_departments():
    return Department.objects.filter(is_active=True).order_by("sort_order", "name")


class InboxFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("부서"), required=False)
    kind = forms.ChoiceField(label=_("유형"), required=False, choices=[("", _("전체")), *GrievanceKind.choices])
    status = forms.ChoiceField(
        label=_("상태"),
        required=False,
        choices=[
            (OPEN, _("처리할 글 (열린 글)")),
            (ALL, _("전체")),
            *[(v, label) for v, label in GrievanceStatus.choices if v != GrievanceStatus.DRAFT],
        ],
    )
    overdue = forms.BooleanField(label=_("기한 지난 글만"), required=False)

    def __init__(self, *args, departments, can_see_unassigned: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("전체")), *[(str(d.pk), d.name) for d in departments]]
        if can_see_unassigned:
            choices.append((UNASSIGNED, _("미배정")))
        self.fields["department"].choices = choices

    def filters(self) -> InboxFilters:
        """The filters asked for; a bad value (tampered query string) falls back to the default."""
        if not self.is_bound or not self.is_valid():
            return InboxFilters()
        d = self.cleaned_data
        department = d.get("department") or None
        if department not in (None, UNASSIGNED):
            department = int(department)
        return InboxFilters(
            department=department, kind=d.get("kind") or "", status=d.get("status") or OPEN, overdue=d["overdue"]
        )


class BulkAssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("배정할 부서"),
        queryset=_active_departments(),
        error_messages={"required": _("배정할 부서를 골라 주세요."), "invalid_choice": _("부서를 다시 골라 주세요.")},
    )
    posts = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": _("배정할 글을 하나 이상 골라 주세요.")},
    )

    def __init__(self, *args, post_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()
        self.fields["posts"].choices = [(pk, pk) for pk in post_ids]
        self.fields["posts"].error_messages["invalid_choice"] = _(
            "처리할 수 없는 글이 섞여 있습니다. 새로 고쳐 주세요."
        )


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("담당 부서"), queryset=_active_departments(), error_messages={"required": _("부서를 골라 주세요.")}
    )
    track = forms.ModelChoiceField(label=_("정책 트랙"), queryset=PolicyTrack.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()


class InterimForm(forms.Form):
    message = forms.CharField(
        label=_("중간 답변 (작성자에게 보입니다)"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=5000,
        error_messages={"required": _("중간 답변 내용을 적어 주세요.")},
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("연장 일수"),
        min_value=1,
        max_value=365,
        error_messages={
            "required": _("연장할 일수를 적어 주세요."),
            "invalid": _("연장 일수는 숫자로 적어 주세요."),
            "min_value": _("연장 일수는 1일 이상이어야 합니다."),
            "max_value": _("연장 일수가 너무 깁니다."),
        },
    )
    reason = forms.CharField(
        label=_("연장 사유 (작성자에게 보입니다)"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        max_length=2000,
        error_messages={"required": _("사유를 적어 주세요.")},
    )


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("넘겨받을 부서"),
        queryset=_active_departments(),
        error_messages={"required": _("부서를 골라 주세요."), "invalid_choice": _("부서를 다시 골라 주세요.")},
    )
    reason = forms.CharField(
        label=_("이관 사유"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        max_length=2000,
        error_messages={"required": _("사유를 적어 주세요.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()


class HandOverForm(forms.Form):
    agency = forms.CharField(
        label=_("이송받는 기관 (예: 구로구청, 서울지방고용노동청)"),
        max_length=80,
        error_messages={"required": _("이송받는 기관을 적어 주세요.")},
    )
    reason = forms.CharField(
        label=_("이송 사유"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        max_length=2000,
        error_messages={"required": _("사유를 적어 주세요.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("답변 (개인정보는 가려져 공개됩니다)"),
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": 5000, "data-answer-text": ""}),
        max_length=5000,
        error_messages={
            "required": _("답변 내용을 적어 주세요."),
            "max_length": _("답변은 5,000자까지 적을 수 있습니다."),
        },
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("원래 글의 접수 번호"),
        max_length=20,
        error_messages={"required": _("원래 글의 접수 번호를 적어 주세요.")},
    )
    reason = forms.CharField(
        label=_("병합 사유"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        max_length=2000,
        error_messages={"required": _("사유를 적어 주세요.")},
    )

    def clean_into(self):
        reference = self.cleaned_data["into"].strip()
        target = Grievance.objects.submitted().filter(reference=reference).first()
        if target is None:
            raise forms.ValidationError(_("그 접수 번호의 글을 찾을 수 없습니다."))
        return target


class RevealForm(forms.Form):
    purpose = forms.CharField(max_length=500)
