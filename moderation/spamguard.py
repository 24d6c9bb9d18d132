"""Bot signals of a submission form: a honeypot field and the time the form took to fill in.

The form carries two extra inputs (rendered by `{% spam_guard_fields %}`): a visually hidden
text field that people never fill in, and the signed time the form was rendered. The view reads
them from `request.POST` (`form_signals`) and hands them to screening; a submission without them (the API) is simply not timed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing

HONEYPOT_FIELD = "homepage_url"
RENDERED_AT_FIELD = "form_rendered_at"
#: A person needs longer than this to write an idea; faster is flagged.
MIN_FILL_SECONDS = 5
_SALT = "moderation.spamguard"


def rendered_at_token(now: float | None = None) -> str:
    """A signed token of the time the form was rendered."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_SALT)


@dataclass(frozen=True)
class FormSignals:
    """What the submission form says about its sender, read from the request by the view and handed
    to screening: whether the honeypot was filled, and the seconds the form took (None if untimed,
    -1 if the timing token was forged or stale)."""

    honeypot_filled: bool = False
    fill_seconds: float | None = None


def form_signals(request) -> FormSignals:
    """The bot signals of a submitted form."""
    return FormSignals(honeypot_filled=honeypot_filled(request), fill_seconds=fill_seconds(request))


def honeypot_filled(request) -> bool:
    return bool(request is not None and (request.POST.get(HONEYPOT_FIELD) or "").strip())


def fill_seconds(request) -> float | None:
    """Seconds between rendering and submitting the form; None if the form was not timed,
    -1 if the token was forged or is older than a day."""
    if request is None or RENDERED_AT_FIELD not in request.POST:
        return None
    try:
        started = signing.loads(request.POST[RENDERED_AT_FIELD], salt=_SALT, max_age=86400)
    except signing.BadSignature:
        return -1.0
    return max(0.0, time.time() - float(started))
