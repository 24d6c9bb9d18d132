"""The one screening step for every free text the public can read.

Display names, attachment file names, official answers, report notes, and every later kind of
text (comments, grievances, opinions) go through `screen_public_text`: it masks personal data
(`moderation.pii`) and refuses the kinds the caller names with a Korean message. Call it in the
service (or form) that stores the text, and store the returned masked text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pii
from .models import AllowedContactNumber

RESIDENT_NUMBER_ONLY = frozenset({"resident_number"})
#: What a name must never contain: it is shown next to everything its owner writes.
NAME_REFUSES = frozenset({"resident_number", "phone", "email"})

RRN_MESSAGE = gettext_lazy(
    "주민등록번호로 보이는 숫자가 있습니다. 개인정보 보호를 위해 주민등록번호는 적을 수 없습니다. "
    "지우고 다시 제출해 주세요."
)


@dataclass(frozen=True)
class ScreenedText:
    """The masked text to store and show, and the kinds of personal data found (counts)."""

    text: str
    found: dict[str, int] = field(default_factory=dict)


def allowed_contact_numbers() -> list[pii.AllowedNumber]:
    """The city's contact numbers staff allow in official answers (`AllowedContactNumber`)."""
    return [pii.AllowedNumber(n.digits, n.is_prefix) for n in AllowedContactNumber.objects.all() if len(n.digits) >= 3]


def refusal_message(kinds: Iterable[str]) -> str:
    kinds = list(kinds)
    if kinds == ["resident_number"]:
        return str(RRN_MESSAGE)
    labels = "·".join(pii.KIND_LABELS[k] for k in kinds)
    return _("개인정보(%(kinds)s)는 이 칸에 적을 수 없습니다. 지우고 다시 입력해 주세요.") % {"kinds": labels}


def screen_public_text(
    text: str,
    *,
    refuse: Iterable[str] = RESIDENT_NUMBER_ONLY,
    allow_city_numbers: bool = False,
    field_name: str | None = None,
) -> ScreenedText:
    """Screen one free text a member of the public can read. Returns the masked text and findings.

    Raises ValidationError (Korean, under `field_name` when given) if the text holds a kind of
    personal data in `refuse` (by default a resident registration number). Everything else found
    is masked. With `allow_city_numbers`, the city's own contact numbers (`AllowedContactNumber`)
    stay as written: for text staff write on the city's behalf, such as official answers.
    """
    text = text or ""
    allowed = allowed_contact_numbers() if allow_city_numbers else ()
    found = pii.find_personal_data(text, allowed=allowed)
    refused = [k for k in pii.KIND_LABELS if k in found and k in set(refuse)]
    if refused:
        message = refusal_message(refused)
        raise ValidationError({field_name: message} if field_name else message, code="personal_data")
    return ScreenedText(text=pii.mask_personal_data(text, allowed=allowed) if found else text, found=found)
