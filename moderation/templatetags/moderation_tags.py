"""Template helpers of moderation: the report form's state and the spam guard fields."""

import rules
from django import template
from django.urls import reverse
from django.utils.html import format_html

from .. import selectors, spamguard
from ..choices import ReportReason

register = template.Library()


@register.simple_tag(takes_context=True)
def report_state(context, item):
    """`{% report_state item as report %}`: what the report form needs to know about the viewer."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "url": reverse("moderation:report-create", kwargs={"model_label": item._meta.label_lower, "pk": item.pk}),
        "signed_in": signed_in,
        "can_report": signed_in and rules.has_perm("moderation.report_item", user, item),
        "already_reported": signed_in and selectors.report_exists_for(user=user, item=item),
        "reasons": ReportReason.choices,
        "next": request.get_full_path() if request else "",
    }


@register.simple_tag
def spam_guard_fields():
    """The honeypot and the signed render time, for a submission form (see `spamguard`)."""
    return format_html(
        '<div aria-hidden="true" class="spam-guard">'  # styled in site.css: no inline style under the CSP
        '<label>홈페이지 주소(비워 두세요) <input type="text" name="{}" value="" tabindex="-1" autocomplete="off">'
        '</label></div><input type="hidden" name="{}" value="{}">',
        spamguard.HONEYPOT_FIELD,
        spamguard.RENDERED_AT_FIELD,
        spamguard.rendered_at_token(),
    )
