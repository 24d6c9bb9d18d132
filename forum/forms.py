from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Position
from .services import MAX_BODY


class OpinionForm(forms.Form):
    position = forms.ChoiceField(
        label=_("입장"),
        choices=Position.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("입장을 골라 주세요.")},
    )
    body = forms.CharField(
        label=_("의견"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("의견 내용을 적어 주세요."),
            "max_length": _("의견은 %(limit_value)d자 이내로 적어 주세요."),
        },
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("답글"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("답글 내용을 적어 주세요."),
            "max_length": _("답글은 %(limit_value)d자 이내로 적어 주세요."),
        },
    )
