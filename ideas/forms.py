"""Forms: sign-up consent, idea submission. Each error message is Korean and sits next to its field."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from moderation.pii import find_resident_numbers
from moderation.screening import NAME_REFUSES, RRN_MESSAGE, screen_public_text

from .choices import District, TargetGroup
from .models import Idea, PolicyTrack
from .services import IdeaData, user_record_consent
from .validators import validate_attachment


class SignupConsentForm(forms.Form):
    """Extra sign-up fields for allauth: a display name and the personal-information consent."""

    display_name = forms.CharField(
        label=_("표시 이름"),
        max_length=30,
        required=False,
        help_text=_("아이디어 옆에 보이는 이름입니다. 비우면 이메일 앞부분 일부만 보입니다."),
    )
    privacy_consent = forms.BooleanField(
        label=_("위 개인정보 수집·이용에 동의합니다. (필수)"),
        required=True,
        error_messages={"required": _("개인정보 수집·이용에 동의해야 가입할 수 있습니다.")},
    )

    def clean_display_name(self):
        """A display name is shown beside everything its owner writes: no resident registration
        number, phone number or e-mail address in it; other personal data is masked."""
        value = (self.cleaned_data.get("display_name") or "").strip()
        return screen_public_text(value, refuse=NAME_REFUSES).text

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
        user_record_consent(user=user, version=settings.PRIVACY_NOTICE_VERSION)


class AccountWithdrawForm(forms.Form):
    """회원 탈퇴, confirmed with the account's password."""

    password = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("비밀번호를 적어 주세요.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("비밀번호가 맞지 않습니다."), code="wrong_password")
        return password


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class IdeaForm(forms.Form):
    """The idea form of the site and the API alike (the API feeds it JSON)."""

    title = forms.CharField(label=_("제목"), max_length=100, help_text=_("100자 이내"))
    summary = forms.CharField(
        label=_("요약"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("300자 이내")
    )
    body = forms.CharField(
        label=_("내용"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("5,000자 이내. 어떤 일자리가 누구에게 어떻게 생기는지 적어 주세요."),
    )
    track = forms.ModelChoiceField(
        label=_("정책 트랙"),
        queryset=PolicyTrack.objects.none(),
        required=False,
        empty_label=_("잘 모르겠어요 (나중에 추천해 드립니다)"),
        to_field_name="slug",
    )
    target_group = forms.ChoiceField(label=_("대상"), choices=[("", _("대상을 고르세요"))] + list(TargetGroup.choices))
    district = forms.ChoiceField(label=_("지역"), choices=[("", _("지역을 고르세요"))] + list(District.choices))
    expected_jobs = forms.IntegerField(label=_("예상 일자리 수"), required=False, min_value=0, max_value=1_000_000)
    attachments = MultipleFileField(
        label=_("첨부 파일"), required=False, help_text=_("PDF, PNG, JPEG 파일 3개까지, 파일 하나에 5MB 이하")
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    default_error_messages = {}

    def __init__(self, *args, contest=None, idea: Idea | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest or (idea.contest if idea else None)
        self.idea = idea
        self.fields["track"].queryset = self.contest.tracks.all() if self.contest else PolicyTrack.objects.all()
        self.fields["track"].error_messages["invalid_choice"] = _("이 공모전에서 받지 않는 정책 트랙입니다.")
        self.fields["district"].error_messages["invalid_choice"] = _(
            "서울의 25개 자치구 또는 '서울 전역' 중에서 골라 주세요."
        )
        self.fields["target_group"].error_messages["invalid_choice"] = _("목록에 있는 대상을 골라 주세요.")
        self.fields["expected_jobs"].error_messages["min_value"] = _("예상 일자리 수는 0 이상이어야 합니다.")
        self.fields["target_group"].error_messages["required"] = _("대상을 골라 주세요.")
        self.fields["district"].error_messages["required"] = _("지역을 골라 주세요.")
        for name in ("title", "summary", "body"):
            self.fields[name].error_messages["max_length"] = _(
                "%(limit_value)d자 이내로 적어 주세요(지금 %(show_value)d자)."
            )
            self.fields[name].error_messages["required"] = _("이 항목을 적어 주세요.")
        if not self.is_bound and idea is None:
            self.initial.setdefault("submission_token", uuid.uuid4())
        if idea is not None:
            self.fields.pop("submission_token")

    def _clean_text(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            raise ValidationError(_("이 항목을 적어 주세요."), code="required")
        if find_resident_numbers(value):
            raise ValidationError(RRN_MESSAGE, code="resident_number")
        return value

    def clean_title(self):
        return self._clean_text("title")

    def clean_summary(self):
        return self._clean_text("summary")

    def clean_body(self):
        return self._clean_text("body")

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        existing = self.idea.attachments.count() if self.idea else 0
        if existing + len(files) > settings.IDEAS_MAX_ATTACHMENTS:
            raise ValidationError(
                _("첨부 파일은 %(n)d개까지 올릴 수 있습니다.") % {"n": settings.IDEAS_MAX_ATTACHMENTS}
            )
        errors = []
        for f in files:
            try:
                validate_attachment(f)
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def idea_data(self) -> IdeaData:
        d = self.cleaned_data
        return IdeaData(
            title=d["title"],
            summary=d["summary"],
            body=d["body"],
            track=d.get("track"),
            target_group=d["target_group"],
            district=d["district"],
            expected_jobs=d.get("expected_jobs"),
        )


class IdeaFilterForm(forms.Form):
    """Filters of the public idea list (GET). Invalid values are dropped, not errors."""

    q = forms.CharField(label=_("검색어"), required=False, max_length=100)
    track = forms.ChoiceField(label=_("정책 트랙"), required=False)
    district = forms.ChoiceField(
        label=_("지역"), required=False, choices=[("", _("전체 지역"))] + list(District.choices)
    )
    target_group = forms.ChoiceField(
        label=_("대상"), required=False, choices=[("", _("전체 대상"))] + list(TargetGroup.choices)
    )
    status = forms.ChoiceField(label=_("상태"), required=False)
    tag = forms.CharField(label=_("태그"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("정렬"), required=False, choices=[("latest", _("최신순")), ("support", _("공감순"))]
    )

    def __init__(self, *args, tracks=(), **kwargs):
        from .choices import IdeaStatus

        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [("", _("전체 트랙"))] + [(t.slug, t.name) for t in tracks]
        self.fields["status"].choices = [("", _("전체 상태"))] + [
            (s.value, s.label) for s in IdeaStatus if s not in (IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN)
        ]

    def cleaned_or_empty(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
