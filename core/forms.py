"""Form fields every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError

from .http import parse_id


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField keyed by id that refuses ids past 64 bits as an invalid choice (Django's
    own lets the database driver raise OverflowError, a 500)."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
