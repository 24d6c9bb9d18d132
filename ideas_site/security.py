"""Response headers that tell browsers what a page may do: Content-Security-Policy (django-csp),
with a looser policy for the Wagtail admin and the API docs, and Permissions-Policy.

The public site allows no inline script (`script-src 'self'`): behaviour lives in static files under
`ideas_site/static/js/`, wired by data attributes. The Wagtail admin ships inline scripts and styles
of its own, so `/admin/` (and the Swagger page at `/api/v1/docs`) get `IDEAS_CSP_ADMIN_DIRECTIVES`.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

LOOSER_POLICY_PREFIXES = ("/admin/", "/api/v1/docs")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; the admin and the API docs get `IDEAS_CSP_ADMIN_DIRECTIVES` instead."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(LOOSER_POLICY_PREFIXES):
            parts.config = settings.IDEAS_CSP_ADMIN_DIRECTIVES
        return parts


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` from `settings.PERMISSIONS_POLICY` ({feature: [origins]}; [] = nobody)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
