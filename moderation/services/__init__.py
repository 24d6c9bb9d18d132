"""Moderation services, one module per concern: `submissions` (the automatic screening of every new or
edited submission), `decisions` (the moderator's), `reports` (citizens'), `personal_data` (the logged
access to raw texts), `common` (what they share). The audit trail is `core.audit`.

Every service is keyword-only and atomic; every staff action writes exactly one audit record in
the same transaction. Items are reached through `moderation.items.adapter_for`, so ideas,
grievances and comments go through the same code."""

from .common import ScreeningConflict
from .decisions import screening_approve, screening_merge, screening_reject, screening_request_changes
from .personal_data import PERSONAL_DATA_ACCESS, personal_data_reveal
from .reports import (
    REPORT_BURST_ITEM,
    REPORT_BURST_SITE,
    REPORT_BURST_WINDOW,
    REPORT_LIMITS,
    report_cleared_at,
    report_create,
    report_rate_message,
    report_resolve,
    report_threshold,
    report_weight_annotated,
    report_weight_open,
)
from .submissions import (
    BURST_LIMIT,
    BURST_WINDOW,
    IDENTIFYING_DETAIL,
    duplicate_find,
    identity_mentions,
    screening_on_submit,
)

__all__ = [
    "BURST_LIMIT",
    "BURST_WINDOW",
    "IDENTIFYING_DETAIL",
    "PERSONAL_DATA_ACCESS",
    "REPORT_BURST_ITEM",
    "REPORT_BURST_SITE",
    "REPORT_BURST_WINDOW",
    "REPORT_LIMITS",
    "ScreeningConflict",
    "duplicate_find",
    "identity_mentions",
    "personal_data_reveal",
    "report_cleared_at",
    "report_create",
    "report_rate_message",
    "report_resolve",
    "report_threshold",
    "report_weight_annotated",
    "report_weight_open",
    "screening_approve",
    "screening_merge",
    "screening_on_submit",
    "screening_reject",
    "screening_request_changes",
]
