"""Form fields every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .http import parse_id


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField keyed by id that refuses ids past 64 bits as an invalid choice (Django's
    own lets the database driver raise OverflowError, a 500)."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class NotificationSettingForm(forms.Form):
    """The user's notification e-mail preference."""

    email = forms.ChoiceField(
        label=_("알림 메일"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("받는 방법을 골라 주세요."), "invalid_choice": _("목록에서 골라 주세요.")},
    )

    def __init__(self, *args, **kwargs):
        from .models import EmailFrequency

        super().__init__(*args, **kwargs)
        self.fields["email"].choices = EmailFrequency.choices
