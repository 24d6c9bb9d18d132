"""One validation of a new field post for both APIs (`/api/v1/grievances` and Open311 `requests.json`):
lengths the columns hold, the kinds, districts, industries and tracks that exist, coordinates that
are finite and on the globe (both or neither). Messages are Django's, in Korean."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.choices import District
from ideas.models import PolicyTrack

from .choices import GrievanceKind
from .models import Grievance, Industry

TITLE_MAX = Grievance._meta.get_field("title").max_length
BODY_MAX = Grievance._meta.get_field("body").max_length
ADDRESS_MAX = Grievance._meta.get_field("address").max_length
COMPANY_MAX = Grievance._meta.get_field("company_name").max_length
#: GeoReport v2 limits a request's description to 4,000 characters.
OPEN311_DESCRIPTION_MAX = 4000

#: A title derived from the description (Open311 has none) is its first line, cut to this length.
DERIVED_TITLE_MAX = 60

_SPACES = re.compile(r"\s+")
_MICRO_DEGREE = Decimal("0.000001")


def title_from(description: str) -> str:
    """The title of a post that came without one: the description's first non-blank line,
    whitespace collapsed, cut to `DERIVED_TITLE_MAX` characters with an ellipsis."""
    for line in description.splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            return line if len(line) <= DERIVED_TITLE_MAX else line[: DERIVED_TITLE_MAX - 1].rstrip() + "…"
    return ""


def _degrees(value: float | None) -> Decimal | None:
    """A coordinate as the column stores it (6 decimals, about 10 cm); GPS gives more."""
    if value is None:
        return None
    return Decimal(repr(value)).quantize(_MICRO_DEGREE, rounding=ROUND_HALF_UP)


class GrievanceApiForm(forms.Form):
    """A new post as an API client sends it. `cleaned_data` holds model values (an `Industry`,
    a `PolicyTrack`, coordinates as `Decimal`); a missing title is derived from the body."""

    kind = forms.ChoiceField(label=_("유형"), choices=GrievanceKind.choices)
    title = forms.CharField(label=_("제목"), max_length=TITLE_MAX, required=False)
    body = forms.CharField(label=_("내용"), max_length=BODY_MAX)
    district = forms.ChoiceField(label=_("지역"), choices=District.choices)
    industry = forms.ModelChoiceField(
        label=_("업종"), queryset=Industry.objects.all(), to_field_name="slug", required=False
    )
    track = forms.ModelChoiceField(
        label=_("정책 트랙"), queryset=PolicyTrack.objects.all(), to_field_name="slug", required=False
    )
    address = forms.CharField(label=_("위치(주소)"), max_length=ADDRESS_MAX, required=False)
    lat = forms.FloatField(label=_("위도"), min_value=-90, max_value=90, required=False)
    long = forms.FloatField(label=_("경도"), min_value=-180, max_value=180, required=False)
    company_name = forms.CharField(label=_("사업장 이름"), max_length=COMPANY_MAX, required=False)
    hide_company = forms.BooleanField(required=False)
    is_disclosed = forms.BooleanField(required=False)
    on_behalf = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if ("lat" in data and "long" in data) and ((data["lat"] is None) != (data["long"] is None)):
            self.add_error("long" if data["long"] is None else "lat", _("위도와 경도는 함께 보내 주세요."))
        if "lat" in data:
            data["lat"] = _degrees(data["lat"])
        if "long" in data:
            data["long"] = _degrees(data["long"])
        if not data.get("title") and data.get("body"):
            data["title"] = title_from(data["body"])
        return data


class Open311RequestForm(GrievanceApiForm):
    """The same, with the description limit of GeoReport v2."""

    body = forms.CharField(label=_("내용"), max_length=OPEN311_DESCRIPTION_MAX)
