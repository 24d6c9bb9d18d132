"""Moderation models: the screening queue, citizen reports and the append-only audit trail."""

from .audit import AuditEntry
from .reports import Report
from .screening import ScreeningCase, ScreeningFinding

__all__ = ["AuditEntry", "Report", "ScreeningCase", "ScreeningFinding"]
