"""What the review services share: the permission check with a Korean message."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def _require(perm: str, user, obj=None, message: str = "") -> None:
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(message or _("이 작업을 할 권한이 없습니다."))
