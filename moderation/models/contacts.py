"""The city's own contact numbers, which official answers may show unmasked."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AllowedContactNumber(models.Model):
    """A contact number of the city (e.g. 120 다산콜센터, or every 02-2133-… number when
    `is_prefix`). Staff manage the list in the admin; `moderation.screening` leaves these numbers
    unmasked in official answers, and nowhere else."""

    number = models.CharField(
        _("번호"),
        max_length=30,
        help_text=_("숫자만 비교합니다(하이픈·공백 무시). 예: 120, 02-2133"),
    )
    is_prefix = models.BooleanField(
        _("이 번호로 시작하는 모든 번호"),
        default=False,
        help_text=_("켜면 02-2133처럼 앞부분이 같은 번호를 모두 허용합니다."),
    )
    label = models.CharField(_("설명"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("등록 일시"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("공개 허용 시 대표번호")
        verbose_name_plural = _("공개 허용 시 대표번호")

    def __str__(self) -> str:
        suffix = "…" if self.is_prefix else ""
        return f"{self.number}{suffix} {self.label}".strip()

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.number or "")

    def clean(self):
        if len(self.digits) < 3:
            raise ValidationError({"number": _("번호는 숫자 3자리 이상이어야 합니다.")})
        if self.is_prefix and len(self.digits) < 5:
            raise ValidationError(
                {
                    "number": _(
                        "앞부분 일치는 숫자 5자리 이상(예: 02-2133)일 때만 쓸 수 있습니다. 너무 짧으면 시민의 번호까지 허용됩니다."
                    )
                }
            )
