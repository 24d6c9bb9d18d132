"""Forms of the grievance board: posting (citizens, field workers, 대리 접수), the board's filters,
the receipt code, rating and re-answer requests. Every error message is Korean and sits by its field."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ideas.choices import District
from ideas.forms import MultipleFileField, MultipleFileInput
from ideas.models import PolicyTrack
from moderation.pii import find_resident_numbers
from moderation.screening import RRN_MESSAGE

from .choices import GrievanceKind, Rating
from .models import Department, FieldVisit, Industry
from .photos import max_photos, photo_clean
from .selectors import PUBLIC_STATUSES
from .services import GrievanceData

SIX_PLACES = Decimal("0.000001")


class GrievanceForm(forms.Form):
    """One post. `worker_visits` (a field worker's organisation's visits) adds the visit fields;
    `can_proxy` adds 대리 접수. A draft (`set_draft_mode`) may leave the type, disclosure and visit open."""

    kind = forms.ChoiceField(label=_("유형"), choices=GrievanceKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("제목"), max_length=100, help_text=_("100자 이내"))
    body = forms.CharField(
        label=_("내용"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("5,000자 이내. 어떤 어려움이나 제안인지, 누가 겪는지 적어 주세요."),
    )
    district = forms.ChoiceField(label=_("지역"), choices=[("", _("지역을 고르세요"))] + list(District.choices))
    industry = forms.ModelChoiceField(
        label=_("업종"),
        queryset=Industry.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("선택 안 함"),
    )
    track = forms.ModelChoiceField(
        label=_("정책 트랙 (선택)"),
        queryset=PolicyTrack.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("잘 모르겠어요 (담당자가 정합니다)"),
    )
    company_name = forms.CharField(label=_("사업장 이름 (선택)"), max_length=100, required=False)
    hide_company = forms.BooleanField(label=_("공개 글에서 사업장 이름 숨기기"), required=False, initial=True)
    address = forms.CharField(
        label=_("위치 (주소, 선택)"),
        max_length=200,
        required=False,
        help_text=_("예: 구로구 디지털로 300. '내 위치 사용'을 누르면 휴대전화의 위치가 함께 저장됩니다."),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    long = forms.CharField(required=False, widget=forms.HiddenInput)
    is_disclosed = forms.TypedChoiceField(
        label=_("공개 여부"),
        choices=[("1", _("공개: 누구나 글과 답변을 봅니다")), ("0", _("비공개: 작성자, 담당 부서와 운영진만 봅니다"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    photos = MultipleFileField(
        label=_("사진 (선택)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPEG, PNG 사진. 위치·기기 정보(EXIF)는 올릴 때 지웁니다."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, worker_visits=None, can_proxy: bool = False, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.is_draft_mode = False
        self.is_field_worker = worker_visits is not None
        if self.is_field_worker:
            self.fields["visit"] = forms.ModelChoiceField(
                label=_("현장 방문"),
                queryset=worker_visits,
                required=False,
                empty_label=_("새 방문 기록 (아래에 날짜와 장소)"),
            )
            self.fields["new_visit_on"] = forms.DateField(
                label=_("새 방문일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields["new_visit_place"] = forms.CharField(label=_("새 방문 장소"), max_length=120, required=False)
        if can_proxy:
            self.fields["on_behalf"] = forms.BooleanField(
                label=_("대리 접수: 계정이 없는 분을 대신해 접수합니다"),
                required=False,
                help_text=_(
                    "그분의 이름과 연락처는 저장하지 않습니다. 접수 뒤 확인 코드를 인쇄하거나 문자로 전해 주세요."
                ),
            )
        self.fields["district"].error_messages["invalid_choice"] = _(
            "서울의 25개 자치구 또는 '서울 전역' 중에서 골라 주세요."
        )
        self.fields["kind"].error_messages["invalid_choice"] = _("애로 또는 건의 가운데 하나를 골라 주세요.")
        self.fields["industry"].error_messages["invalid_choice"] = _("목록에 있는 업종을 골라 주세요.")
        self.fields["track"].error_messages["invalid_choice"] = _("목록에 있는 정책 트랙을 골라 주세요.")
        self.fields["is_disclosed"].error_messages["invalid_choice"] = _("공개 또는 비공개를 골라 주세요.")
        if "visit" in self.fields:
            self.fields["visit"].error_messages["invalid_choice"] = _("소속 기관의 현장 방문만 고를 수 있습니다.")
            self.fields["new_visit_on"].error_messages["invalid"] = _("방문일을 2026-12-03처럼 적어 주세요.")
        for name in ("kind", "title", "body", "district", "is_disclosed"):
            self.fields[name].error_messages["required"] = _("이 항목을 적어 주세요.")
        for name in ("title", "body", "company_name", "address"):
            self.fields[name].error_messages["max_length"] = _(
                "%(limit_value)d자 이내로 적어 주세요(지금 %(show_value)d자)."
            )
        if not self.is_bound and draft is None:
            self.initial.setdefault("submission_token", uuid.uuid4())

    # ---- drafts need only a title ----------------------------------------------------------------

    def set_draft_mode(self) -> None:
        """Saving a draft: the type, the disclosure and the field visit may still be open (the title,
        text and district are what a draft is kept by)."""
        self.is_draft_mode = True
        for name in ("kind", "is_disclosed"):
            self.fields[name].required = False

    # ---- cleaning --------------------------------------------------------------------------------

    def _clean_text(self, name: str, *, required: bool = True) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if required and not value and self.fields[name].required:
            raise ValidationError(_("이 항목을 적어 주세요."), code="required")
        if value and find_resident_numbers(value):
            raise ValidationError(RRN_MESSAGE, code="resident_number")
        return value

    def clean_title(self):
        return self._clean_text("title")

    def clean_body(self):
        return self._clean_text("body")

    def clean_company_name(self):
        return self._clean_text("company_name", required=False)

    def clean_address(self):
        return self._clean_text("address", required=False)

    def clean_new_visit_place(self):
        return self._clean_text("new_visit_place", required=False)

    def _clean_coordinate(self, name: str, limit: int, message) -> Decimal | None:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValidationError(message, code="invalid") from None
        if not value.is_finite() or not -limit <= value <= limit:
            raise ValidationError(message, code="out_of_range")
        return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)

    def clean_lat(self):
        return self._clean_coordinate(
            "lat", 90, _("위치의 위도가 올바르지 않습니다(-90~90). '내 위치 사용'을 다시 눌러 주세요.")
        )

    def clean_long(self):
        return self._clean_coordinate(
            "long", 180, _("위치의 경도가 올바르지 않습니다(-180~180). '내 위치 사용'을 다시 눌러 주세요.")
        )

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        existing = self.draft.attachments.count() if self.draft is not None else 0
        if existing + len(files) > max_photos():
            raise ValidationError(_("사진은 %(n)d장까지 올릴 수 있습니다.") % {"n": max_photos()})
        photos, errors = [], []
        for f in files:
            try:
                photos.append(photo_clean(f))
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        return photos

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("long") is None) and not self.errors.get("lat"):
            self.add_error("lat", _("위치는 위도와 경도가 함께 있어야 합니다. '내 위치 사용'을 다시 눌러 주세요."))
        if self.is_field_worker:
            new_on, new_place = data.get("new_visit_on"), data.get("new_visit_place")
            if data.get("visit") is None and (new_on or new_place):
                if not new_on:
                    self.add_error("new_visit_on", _("새 방문일을 적어 주세요."))
                if not new_place:
                    self.add_error("new_visit_place", _("새 방문 장소를 적어 주세요."))
            elif data.get("visit") is None and not self.is_draft_mode and not self.errors.get("visit"):
                self.add_error("visit", _("현장 방문을 고르거나 새 방문의 날짜와 장소를 적어 주세요."))
        return data

    @property
    def wants_new_visit(self) -> bool:
        d = self.cleaned_data
        return (
            self.is_field_worker and d.get("visit") is None and bool(d.get("new_visit_on") and d.get("new_visit_place"))
        )

    def grievance_data(self, *, visit: FieldVisit | None = None) -> GrievanceData:
        d = self.cleaned_data
        disclosed = d.get("is_disclosed")
        return GrievanceData(
            kind=d.get("kind") or GrievanceKind.DIFFICULTY,
            title=d["title"],
            body=d.get("body") or "",
            district=d.get("district") or "",
            industry=d.get("industry"),
            company_name=d.get("company_name") or "",
            hide_company=bool(d.get("hide_company")),
            address=d.get("address") or "",
            lat=d.get("lat"),
            long=d.get("long"),
            is_disclosed=True if disclosed in (None, "") else bool(disclosed),
            track=d.get("track"),
            visit=visit or d.get("visit"),
            on_behalf=bool(d.get("on_behalf")),
        )


def draft_initial(grievance) -> dict:
    """A draft's values for the form (to finish it later)."""
    return {
        "kind": grievance.kind,
        "title": grievance.title,
        "body": grievance.body,
        "district": grievance.district,
        "industry": grievance.industry.slug if grievance.industry_id else "",
        "track": grievance.track.slug if grievance.track_id else "",
        "company_name": grievance.company_name,
        "hide_company": grievance.hide_company,
        "address": grievance.address,
        "lat": "" if grievance.lat is None else str(grievance.lat),
        "long": "" if grievance.long is None else str(grievance.long),
        "is_disclosed": "1" if grievance.is_disclosed else "0",
        "visit": grievance.visit_id or "",
        "on_behalf": grievance.on_behalf,
    }


class GrievanceFilterForm(forms.Form):
    """Filters of the public board (GET). Invalid values are dropped, not errors."""

    q = forms.CharField(label=_("검색어"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("유형"), required=False, choices=[("", _("전체 유형"))] + list(GrievanceKind.choices)
    )
    district = forms.ChoiceField(
        label=_("지역"), required=False, choices=[("", _("전체 지역"))] + list(District.choices)
    )
    industry = forms.ChoiceField(label=_("업종"), required=False)
    track = forms.ChoiceField(label=_("정책 트랙"), required=False)
    department = forms.ChoiceField(label=_("담당 부서"), required=False)
    status = forms.ChoiceField(
        label=_("상태"), required=False, choices=[("", _("전체 상태"))] + [(s.value, s.label) for s in PUBLIC_STATUSES]
    )
    overdue = forms.BooleanField(label=_("기한 지난 글만"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("전체 업종"))] + list(Industry.objects.values_list("slug", "name"))
        self.fields["track"].choices = [("", _("전체 트랙"))] + list(PolicyTrack.objects.values_list("slug", "name"))
        self.fields["department"].choices = [("", _("전체 부서"))] + list(
            Department.objects.filter(is_active=True).values_list("slug", "name")
        )

    def cleaned_or_empty(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


class ReceiptCodeForm(forms.Form):
    code = forms.CharField(
        label=_("접수 확인 코드"),
        max_length=40,
        help_text=_("접수할 때 받은 10자리 코드 (예: ABCDE-23456)"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={
            "required": _("접수 확인 코드를 적어 주세요."),
            "max_length": _("접수 확인 코드가 너무 깁니다."),
        },
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("답변에 만족하셨나요?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("만족, 보통, 불만족 가운데 하나를 골라 주세요."),
            "invalid_choice": _("만족, 보통, 불만족 가운데 하나를 골라 주세요."),
        },
    )
    comment = forms.CharField(
        label=_("의견 (선택, 1,000자 이내)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("의견은 1,000자까지 적을 수 있습니다.")},
    )


class ReanswerForm(forms.Form):
    reason = forms.CharField(
        label=_("무엇이 더 궁금하신가요? (1,000자 이내)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("무엇이 더 궁금한지 적어 주세요."),
            "max_length": _("1,000자까지 적을 수 있습니다."),
        },
    )
