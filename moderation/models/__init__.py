"""Moderation models: the screening queue, citizen reports, the contact numbers official answers may show. (The audit trail is `core.models.AuditEntry`.)"""

from .contacts import AllowedContactNumber
from .reports import Report
from .screening import ScreeningCase, ScreeningFinding

__all__ = ["AllowedContactNumber", "Report", "ScreeningCase", "ScreeningFinding"]
