"""Forms of the review panel: the score sheet (built from the rubric), conflict, staff actions."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import SCALE_MAX, SCALE_MIN, ObjectionOutcome, Tier


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the sheet as the reviewer sees it: its name and weight (a share of the
    total, "가중치 30%"), apart from the score they type on the fixed 1–10 scale."""

    criterion: object
    weight_percent: int
    score: forms.BoundField
    comment: forms.BoundField


class ScoreSheetForm(forms.Form):
    """One score (1–10) and an optional comment per criterion, plus an overall comment.

    Fields are optional here so a draft can be saved; the service requires every score on submit.
    """

    comment = forms.CharField(
        label=_("총평"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, sheet=None, disabled=False, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if sheet is not None:
            initial["comment"] = sheet.comment
            for s in sheet.scores.all():
                initial[f"score_{s.criterion_id}"] = s.value
                initial[f"comment_{s.criterion_id}"] = s.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.IntegerField(
                label=_("%(name)s 점수 (%(lo)d–%(hi)d)") % {"name": c.name, "lo": SCALE_MIN, "hi": SCALE_MAX},
                help_text=" ".join(
                    filter(
                        None,
                        [
                            str(c.description),
                            str(_("%(lo)d점(매우 미흡)부터 %(hi)d점(매우 우수)까지 정수로 적어 주세요."))
                            % {"lo": SCALE_MIN, "hi": SCALE_MAX},
                        ],
                    )
                ),
                min_value=SCALE_MIN,
                max_value=SCALE_MAX,
                required=False,
                widget=forms.NumberInput(attrs={"min": SCALE_MIN, "max": SCALE_MAX, "inputmode": "numeric"}),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("%(name)s 의견(선택)") % {"name": c.name}, required=False, max_length=1000
            )
        self.order_fields([*(f for c in self.criteria for f in (f"score_{c.pk}", f"comment_{c.pk}")), "comment"])
        if disabled:
            for f in self.fields.values():
                f.disabled = True

    def score_fields(self) -> list[CriterionRow]:
        """The criteria in order, each with its weight as a percentage of the rubric's total."""
        total = sum(c.weight for c in self.criteria) or 1
        return [
            CriterionRow(
                criterion=c,
                weight_percent=round(100 * c.weight / total),
                score=self[f"score_{c.pk}"],
                comment=self[f"comment_{c.pk}"],
            )
            for c in self.criteria
        ]

    def values(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}") or "" for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("이해충돌 사유"),
        max_length=300,
        required=True,
        help_text=_("예: 제안자를 알고 있음, 같은 기관 소속. 제안자 정보는 보여 드리지 않습니다."),
    )


class AssignForm(forms.Form):
    seed = forms.IntegerField(label=_("난수 시드(비우면 새로 뽑음)"), required=False, min_value=0, max_value=2**31 - 1)


class DecisionForm(forms.Form):
    tier = forms.ChoiceField(label=_("결정"), choices=Tier.choices)
    public_answer = forms.CharField(
        label=_("공개 답변"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignmentAddForm(forms.Form):
    idea = forms.IntegerField(label=_("아이디어 ID"))
    reviewer = forms.IntegerField(label=_("심사위원 ID"))


class ObjectionForm(forms.Form):
    """The author's 이의신청: why the decision should be reviewed."""

    reason = forms.CharField(
        label=_("이의신청 사유"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("주민등록번호는 적을 수 없고, 전화번호는 가려져 저장됩니다."),
    )


class ObjectionAnswerForm(forms.Form):
    """Staff's answer on the record: 기각 or 인용, optionally with the new decision."""

    outcome = forms.ChoiceField(
        label=_("처리 결과"),
        choices=[
            (ObjectionOutcome.DISMISSED, ObjectionOutcome.DISMISSED.label),
            (ObjectionOutcome.UPHELD, ObjectionOutcome.UPHELD.label),
        ],
        widget=forms.RadioSelect,
    )
    tier = forms.ChoiceField(
        label=_("변경할 결정(인용하여 결정을 바꿀 때만)"), choices=[("", "—"), *Tier.choices], required=False
    )
    answer = forms.CharField(label=_("답변"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
