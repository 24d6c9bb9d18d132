"""The dashboard's filters: contest, track, district, period (from/to) and the time step (week/month).

The form turns the query string into a `Filters` value or Korean errors; nothing else reads the request.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import IdChoiceField
from ideas.choices import District
from ideas.models import ContestPage, PolicyTrack

#: Dates outside these years are refused (typos such as 20266, and dates the databases cannot truncate).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Step(models.TextChoices):
    WEEK = "week", gettext_lazy("주별")
    MONTH = "month", gettext_lazy("월별")


#: The most weeks or months one chart shows (two years by week, ten by month).
MAX_STEPS = {Step.WEEK: 104, Step.MONTH: 120}


@dataclass(frozen=True)
class Filters:
    """What the dashboard is asked about; every field optional (`None`/"" = everything)."""

    contest_id: int | None = None
    track_id: int | None = None
    district: str = ""
    start: date | None = None
    end: date | None = None
    step: str = Step.MONTH

    def key(self) -> str:
        """A short stable key for the cache."""
        raw = "|".join(f"{k}={'' if v is None else v}" for k, v in sorted(asdict(self).items()))
        return hashlib.sha256(raw.encode()).hexdigest()[:24]


class FilterForm(forms.Form):
    contest = IdChoiceField(
        label=gettext_lazy("공모전"),
        queryset=ContestPage.objects.order_by("-submission_opens_at", "-pk"),
        required=False,
        empty_label=gettext_lazy("전체 공모전"),
        error_messages={"invalid_choice": gettext_lazy("목록에 있는 공모전을 고르세요.")},
    )
    track = IdChoiceField(
        label=gettext_lazy("정책 트랙"),
        queryset=PolicyTrack.objects.order_by("sort_order", "name"),
        required=False,
        empty_label=gettext_lazy("전체 트랙"),
        error_messages={"invalid_choice": gettext_lazy("목록에 있는 정책 트랙을 고르세요.")},
    )
    district = forms.ChoiceField(
        label=gettext_lazy("지역"),
        choices=[("", gettext_lazy("전체 지역")), *District.choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("목록에 있는 지역을 고르세요.")},
    )
    start = forms.DateField(
        label=gettext_lazy("시작일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("시작일은 2026-01-31처럼 적어 주세요.")},
    )
    end = forms.DateField(
        label=gettext_lazy("종료일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("종료일은 2026-12-31처럼 적어 주세요.")},
    )
    step = forms.ChoiceField(
        label=gettext_lazy("단위"),
        choices=Step.choices,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("주별 또는 월별을 고르세요.")},
    )

    def _clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("%(first)s년부터 %(last)s년 사이의 날짜를 고르세요.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    def clean_start(self):
        return self._clean_date("start")

    def clean_end(self):
        return self._clean_date("end")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        step = data.get("step") or Step.MONTH
        if start and end:
            if start > end:
                raise forms.ValidationError(_("시작일이 종료일보다 늦습니다. 기간을 다시 고르세요."))
            days = (end - start).days
            steps = days // 7 + 1 if step == Step.WEEK else (end.year - start.year) * 12 + end.month - start.month + 1
            if steps > MAX_STEPS[step]:
                raise forms.ValidationError(
                    _("주별로는 %(weeks)s주까지, 월별로는 %(months)s개월까지 볼 수 있습니다. 기간을 줄여 주세요.")
                    % {"weeks": MAX_STEPS[Step.WEEK], "months": MAX_STEPS[Step.MONTH]}
                )
        return data

    def full_clean(self):
        super().full_clean()
        # A field with an error names it (the message under the field has id "<field id>-error").
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def filters(self) -> Filters:
        """The valid filters (call after `is_valid()`); an unbound form means no filter."""
        if not self.is_bound:
            return Filters()
        data = self.cleaned_data
        return Filters(
            contest_id=data["contest"].pk if data.get("contest") else None,
            track_id=data["track"].pk if data.get("track") else None,
            district=data.get("district") or "",
            start=data.get("start"),
            end=data.get("end"),
            step=data.get("step") or Step.MONTH,
        )
