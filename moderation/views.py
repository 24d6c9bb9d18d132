"""Public moderation views: a signed-in user reports a published item."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import audit_context

from . import services
from .forms import ReportForm
from .items import adapter_for, is_moderated_model


def _item_or_404(model_label: str, pk: int):
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404(_("신고할 글을 찾을 수 없습니다."))
    if not is_moderated_model(model):
        raise Http404(_("신고할 글을 찾을 수 없습니다."))
    item = model._default_manager.filter(pk=pk).first()
    if item is None:
        raise Http404(_("신고할 글을 찾을 수 없습니다."))
    return item


@login_required
@require_POST
def report_create(request, model_label: str, pk: int):
    """POST a report (reason + optional note). Redirects back to the item (or `next`) with a
    message; answers JSON to `Accept: application/json`."""
    item = _item_or_404(model_label, pk)
    wants_json = "application/json" in request.headers.get("accept", "")
    form = ReportForm(request.POST)
    status, detail = 201, _("신고가 접수되었습니다. 모더레이터가 확인합니다.")
    if not form.is_valid():
        status, detail = 400, " ".join(m for errs in form.errors.values() for m in errs)
    else:
        try:
            services.report_create(
                item=item,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data.get("note") or "",
                context=audit_context(request),
            )
        except PermissionDenied:
            status, detail = 403, _("이 글은 신고할 수 없습니다. 공개된 다른 사람의 글만 신고할 수 있습니다.")
        except ValidationError as e:
            status = 429 if getattr(e, "code", None) == "rate_limited" else 400
            detail = " ".join(e.messages)
    if wants_json:
        return JsonResponse({"detail": detail}, status=status)
    (messages.success if status == 201 else messages.error)(request, detail)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = adapter_for(item).public_url(item) or "/"
    return HttpResponseRedirect(target)
