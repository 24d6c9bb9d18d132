"""The user's notifications: the "내 알림" list (mark read), the e-mail setting, and unsubscribe links
that work without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import notify
from .forms import NotificationSettingForm
from .http import parse_id
from .models import EmailFrequency, Notification
from .unsubscribe import UnsubscribeError, unsubscribe_apply, unsubscribe_read

PAGE_SIZE = 30


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    return render(request, "core/notification_list.html", {"notifications": page})


@login_required
@require_POST
def notification_read(request):
    """POST `id` (one notification) or nothing (all): mark read."""
    raw = request.POST.get("id")
    if raw:
        pk = parse_id(raw)
        if pk is None:
            messages.error(request, _("알림을 찾을 수 없습니다."))
            return redirect("notifications:list")
        notify.notifications_mark_read(user=request.user, ids=[pk])
    else:
        notify.notifications_mark_read(user=request.user)
        messages.success(request, _("모든 알림을 읽음으로 표시했습니다."))
    return redirect("notifications:list")


@login_required
def notification_open(request, pk: int):
    """Open one notification: mark it read and go to what it is about."""
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise Http404(_("알림을 찾을 수 없습니다."))
    notify.notifications_mark_read(user=request.user, ids=[pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return HttpResponseRedirect(url)


@login_required
def notification_settings(request):
    current = notify.email_frequency_of([request.user])[request.user.pk]
    form = NotificationSettingForm(request.POST or None, initial={"email": current})
    if request.method == "POST" and form.is_valid():
        notify.notification_setting_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("알림 설정을 저장했습니다."))
        return redirect("notifications:settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "core/notification_settings.html",
        {"form": form, "current": EmailFrequency(current).label},
        status=status,
    )


@csrf_exempt  # the signed token is the credential, not a cookie: mail clients POST it (RFC 8058)
def unsubscribe(request, token: str):
    """GET shows what the link does, with one button; POST (that button, or a mail client's one-click
    unsubscribe) does it. No sign-in needed. A tampered or expired link is a Korean 400 page."""
    try:
        asked = unsubscribe_read(token)
    except UnsubscribeError as e:
        return render(request, "core/unsubscribe.html", {"error": str(e)}, status=400)
    if request.method == "POST":
        try:
            done = unsubscribe_apply(token)
        except UnsubscribeError as e:
            return render(request, "core/unsubscribe.html", {"error": str(e)}, status=400)
        return render(request, "core/unsubscribe.html", {"done": done})
    return render(request, "core/unsubscribe.html", {"asked": asked, "token": token})
