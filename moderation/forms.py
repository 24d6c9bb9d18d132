"""Forms of moderation: the citizen's report, the moderator's decision and the queue filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import FindingKind, RejectionReason, ReportDecision, ReportReason
from .models import ScreeningCase


def _scope_model(field_name: str):
    """The model a screening case's scope field points to (the contest, the track), read from the
    field itself, so moderation names no app."""
    return ScreeningCase._meta.get_field(field_name).related_model


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("신고 사유"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("신고 사유를 골라 주세요."),
            "invalid_choice": _("신고 사유를 목록에서 골라 주세요."),
        },
    )
    note = forms.CharField(
        label=_("설명 (선택)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("1,000자 이내로 적어 주세요.")},
    )


class DecisionForm(forms.Form):
    """One moderator decision on a screening case."""

    ACTIONS = [
        ("approve", _("승인(공개)")),
        ("reject", _("반려")),
        ("request_changes", _("수정 요청")),
        ("merge", _("중복 병합")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("반려 사유"), required=False, choices=[("", _("사유 고르기"))] + list(RejectionReason.choices)
    )
    note = forms.CharField(
        label=_("제안자에게 전할 말"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    merge_into = forms.IntegerField(label=_("병합할 원본의 번호(ID)"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "reject" and not data.get("reason"):
            self.add_error("reason", _("반려 사유를 골라 주세요."))
        if action == "request_changes" and not (data.get("note") or "").strip():
            self.add_error("note", _("무엇을 고쳐야 하는지 적어 주세요."))
        if action == "merge" and not data.get("merge_into"):
            self.add_error("merge_into", _("병합할 원본을 골라 주세요."))
        return data


class ReportResolveForm(forms.Form):
    decision = forms.ChoiceField(label=_("처리"), choices=ReportDecision.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("반려 사유 (신고 인정 시)"),
        required=False,
        choices=[("", _("사유 고르기"))] + list(RejectionReason.choices),
    )
    note = forms.CharField(label=_("메모"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    flag = forms.ChoiceField(
        label=_("자동 점검"),
        required=False,
        choices=[("", _("전체")), ("none", _("경고 없음"))] + list(FindingKind.choices),
    )
    track = forms.ModelChoiceField(
        label=_("정책 트랙"),
        required=False,
        queryset=_scope_model("track")._default_manager.all(),
        empty_label=_("전체"),
    )
    contest = forms.ModelChoiceField(
        label=_("공모전"),
        required=False,
        queryset=_scope_model("contest")._default_manager.all(),
        empty_label=_("전체"),
    )

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "flag": d.get("flag") or None,
            "track": d["track"].pk if d.get("track") else None,
            "contest": d["contest"].pk if d.get("contest") else None,
        }
