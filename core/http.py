"""What the layers above need from an HTTP request, read in one place: the client's address (through
the trusted-proxy chain) and the audit context a view hands to a service."""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings

from .audit import AuditContext


def _clean_ip(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, the one every per-address limit, the audit trail and allauth use.

    With `IDEAS_TRUSTED_PROXY_COUNT = 0` (development, default) it is `REMOTE_ADDR`. With N > 0
    (production behind N proxies that each append the address they saw to `X-Forwarded-For`)
    it is the Nth entry from the right of that header: entries further left were written by the
    client and may be forged, so they are never read. A header with fewer entries than N
    (a request that reached the site without passing every proxy) falls back to `REMOTE_ADDR`.
    """
    if request is None:
        return None
    remote = _clean_ip(request.META.get("REMOTE_ADDR"))
    count = int(getattr(settings, "IDEAS_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < count:
        return remote
    return _clean_ip(chain[-count]) or remote


def audit_context(request) -> AuditContext:
    """The audit context of a request: the client's address and browser. Views pass it to services,
    which never see the request."""
    if request is None:
        return AuditContext()
    return AuditContext(ip=client_ip(request), user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300])


# The largest value a PostgreSQL bigint (and SQLite INTEGER) holds: every id and page number.
MAX_ID = 2**63 - 1

_DIGITS = re.compile(r"^[0-9]+$")


def parse_id(value) -> int | None:
    """`value` as an id or page number (an int in 1..2**63-1), or None when it is not one."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 19 or not _DIGITS.match(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
