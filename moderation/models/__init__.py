"""Moderation models: the screening queue, citizen reports and the append-only audit trail."""

from .audit import AuditEntry
from .contacts import AllowedContactNumber
from .reports import Report
from .screening import ScreeningCase, ScreeningFinding

__all__ = ["AllowedContactNumber", "AuditEntry", "Report", "ScreeningCase", "ScreeningFinding"]
