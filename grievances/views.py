"""Public pages of the 현장 기동대 board: the board, a post, posting (citizens, field workers, 대리
접수) and drafts, the receipt-code page of a person without an account, rating and re-answer
requests, following, photos and 내 활동. Each view parses input, calls one service or selector, renders.

A post the viewer may not see is a 404, never a 403 (a 403 would confirm that it exists).
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comments.selectors import comment_thread
from core.http import audit_context, client_ip, parse_id
from core.notify import feed_for
from ideas.paging import CappedPaginator, page_cap_message
from moderation.quotas import limit_reserve, mark_submitted, submission_quota, too_many_response
from moderation.spamguard import form_signals

from . import selectors, services
from .calendar import days_left, deadline_label
from .choices import GrievanceStatus
from .deadlines import days_left_label
from .forms import (
    GrievanceFilterForm,
    GrievanceForm,
    RateForm,
    ReanswerForm,
    ReceiptCodeForm,
    draft_initial,
)
from .photos import photo_response

#: Receipt-code attempts per client address: (count, seconds); setting GRIEVANCES_RECEIPT_LIMITS. A
#: right code gives its slot back, so only wrong codes use the limit up.
RECEIPT_LIMITS = {"ip": (10, 600)}
#: How long a checked receipt code opens its post in this browser session (seconds).
RECEIPT_SESSION_SECONDS = 30 * 60
_RECEIPT_KEY = "grievances.receipt"
_ISSUED_KEY = "grievances.issued"
_SALT = "grievances.receipt-session"


def _not_found():
    return Http404(_("현장 건의를 찾을 수 없습니다."))


def _apply_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


# ---- the board and a post --------------------------------------------------------------------------

_FILTER_FIELDS = ("kind", "district", "industry", "track", "department", "status", "overdue", "q")


def board(request):
    """The public board: published public posts with their answers, filtered and searched, paged."""
    filter_form = GrievanceFilterForm(request.GET or None)
    values = filter_form.cleaned_or_empty() if request.GET else {}
    filters = selectors.GrievanceFilters(**{k: v for k, v in values.items() if k in _FILTER_FIELDS})
    paginator = CappedPaginator(selectors.grievance_list_public(filters=filters), settings.IDEAS_LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    left = selectors.grievance_days_left_map(page.object_list)
    rows = [(g, "" if left[g.pk] is None else days_left_label(left[g.pk]), (left[g.pk] or 0) < 0) for g in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "grievances/board.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "result_count_label": paginator.count_label,
            "page_cap_message": page_cap_message(paginator.num_pages)
            if paginator.page_beyond_cap(request.GET.get("page"))
            else "",
            "can_post": _can_post(request.user),
        },
    )


def _can_post(user) -> bool:
    return rules.has_perm("grievances.post_grievance", user) or rules.has_perm("grievances.post_on_behalf", user)


def _detail_context(request, grievance, *, receipt: bool = False) -> dict:
    user = request.user
    is_author = user.is_authenticated and grievance.author_id == user.pk
    answered = grievance.status == GrievanceStatus.ANSWERED
    may_rate = receipt or rules.has_perm("grievances.rate_grievance", user, grievance)
    privileged = (
        receipt
        or is_author
        or user.is_authenticated
        and (
            rules.has_perm("grievances.answer_grievance", user, grievance)
            or rules.has_perm("grievances.route_grievance", user, grievance)
        )
    )
    left = days_left(grievance)
    return {
        "grievance": grievance,
        "events": list(grievance.events.all()),
        "photos": list(grievance.attachments.all()),
        "is_author": is_author,
        "receipt_mode": receipt,
        "privileged": privileged,
        "days_left": left,
        "deadline_label": deadline_label(grievance) if left is not None else "",
        "can_rate": may_rate and answered and not grievance.rating,
        "can_reanswer": may_rate and answered and grievance.reanswer_requested_at is None,
        "rate_form": RateForm(),
        "reanswer_form": ReanswerForm(),
        "can_follow": not receipt and rules.has_perm("grievances.follow_grievance", user, grievance),
        "follows": not receipt and selectors.user_follows(user=user, grievance=grievance),
        "linked_ideas": selectors.grievance_linked_ideas(grievance),
        # Comments on public posts (the shared comments app; the post's own follow button serves both).
        "thread": comment_thread(target=grievance, user=user, page=parse_id(request.GET.get("comments_page")))
        if grievance.is_public and not receipt
        else None,
        "photo_url_name": "grievances:receipt-photo" if receipt else "grievances:photo",
    }


def detail(request, reference: str):
    grievance = selectors.grievance_get_for(reference=reference, user=request.user)
    if grievance is None:
        draft = selectors.grievance_draft_get(reference=reference, user=request.user)
        if draft is not None:  # the author's own draft: finish it
            return redirect("grievances:draft", reference=draft.reference)
        raise _not_found()
    return render(request, "grievances/detail.html", _detail_context(request, grievance))


def _rate_or_reanswer(request, grievance, *, action: str, receipt_code: str | None = None) -> bool:
    """Run the poster's rating or re-answer request; messages say how it went. True when done."""
    actor = request.user if request.user.is_authenticated and not receipt_code else None
    if action == "rate":
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                services.grievance_rate(
                    grievance=grievance,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data.get("comment") or "",
                    actor=actor,
                    receipt_code=receipt_code,
                    context=audit_context(request),
                )
            except (ValidationError, PermissionDenied) as e:
                messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
                return False
            messages.success(request, _("평가해 주셔서 고맙습니다."))
            return True
    elif action == "reanswer":
        form = ReanswerForm(request.POST)
        if form.is_valid():
            try:
                services.grievance_request_reanswer(
                    grievance=grievance,
                    reason=form.cleaned_data["reason"],
                    actor=actor,
                    receipt_code=receipt_code,
                    context=audit_context(request),
                )
            except (ValidationError, PermissionDenied) as e:
                messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
                return False
            messages.success(request, _("재답변을 요청했습니다. 새 답변 기한 안에 다시 답변합니다."))
            return True
    else:
        messages.error(request, _("알 수 없는 요청입니다."))
        return False
    messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return False


@login_required
@require_POST
def rate(request, reference: str):
    grievance = selectors.grievance_get_for(reference=reference, user=request.user)
    if grievance is None:
        raise _not_found()
    _rate_or_reanswer(request, grievance, action="rate")
    return redirect(grievance.get_absolute_url())


@login_required
@require_POST
def reanswer(request, reference: str):
    grievance = selectors.grievance_get_for(reference=reference, user=request.user)
    if grievance is None:
        raise _not_found()
    _rate_or_reanswer(request, grievance, action="reanswer")
    return redirect(grievance.get_absolute_url())


@login_required
@require_POST
def follow(request, reference: str):
    grievance = selectors.grievance_get_for(reference=reference, user=request.user)
    if grievance is None:
        raise _not_found()
    try:
        if request.POST.get("action") == "unfollow":
            services.grievance_unfollow(grievance=grievance, user=request.user)
            messages.success(request, _("팔로우를 그만두었습니다."))
        else:
            services.grievance_follow(grievance=grievance, user=request.user)
            messages.success(request, _("팔로우합니다. 진행 상황을 내 활동과 메일로 알려 드립니다."))
    except PermissionDenied as e:
        messages.error(request, str(e))
    return redirect(grievance.get_absolute_url())


def photo(request, reference: str, pk: int):
    """A photo, only to those who may see its post."""
    grievance = selectors.grievance_get_for(reference=reference, user=request.user)
    found = next((p for p in grievance.attachments.all() if p.pk == pk), None) if grievance else None
    if found is None:
        raise Http404(_("사진을 찾을 수 없습니다."))
    return photo_response(found)


# ---- posting ---------------------------------------------------------------------------------------


def _quota_limit(request) -> str:
    """Field workers (and staff taking posts on someone's behalf) count against their own, higher
    limit: posts from a field visit do not use up the citizen quota."""
    return "field_worker" if rules.has_perm("grievances.post_on_behalf", request.user) else "user"


@login_required
@submission_quota(limit_for=_quota_limit)
def post_new(request, reference: str | None = None):
    """Write a post (or finish a draft, `reference`): submit it, or keep it as a draft."""
    user = request.user
    draft = None
    if reference is not None:
        draft = selectors.grievance_draft_get(reference=reference, user=user)
        if draft is None:
            raise _not_found()
    if not _can_post(user):
        return render(request, "grievances/cannot_post.html", status=403)
    is_worker = rules.has_perm("grievances.post_as_field_worker", user)
    can_proxy = rules.has_perm("grievances.post_on_behalf", user)
    kwargs = {"worker_visits": selectors.visits_for(worker=user) if is_worker else None, "can_proxy": can_proxy}
    action = request.POST.get("action", "submit") if request.method == "POST" else ""
    if request.method == "POST":
        form = GrievanceForm(request.POST, request.FILES, draft=draft, **kwargs)
        if action == "draft":
            form.set_draft_mode()
        if form.is_valid():
            response = _post_save(request, form, draft=draft, as_draft=action == "draft")
            if response is not None:
                return response
    else:
        form = GrievanceForm(initial=draft_initial(draft) if draft else None, draft=draft, **kwargs)
    profile = getattr(user, "field_worker", None) if is_worker else None
    response = render(
        request,
        "grievances/post_form.html",
        {
            "form": form,
            "draft": draft,
            "organisation": profile.organisation if profile else None,
            "draft_photos": list(draft.attachments.all()) if draft else [],
        },
        status=400 if request.method == "POST" else 200,
    )
    response["Permissions-Policy"] = _form_permissions_policy()
    return response


def _form_permissions_policy() -> str:
    """The site's Permissions-Policy (every powerful feature off), except the device's position for
    this page itself: "내 위치 사용" asks the browser for it."""
    policy = {**getattr(settings, "PERMISSIONS_POLICY", {}), "geolocation": ["self"]}
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


def _post_save(request, form, *, draft, as_draft: bool):
    """Save the draft or submit the post; None (errors added to the form) when it could not."""
    user, context = request.user, audit_context(request)
    photos = form.cleaned_data.get("photos") or []
    try:
        with transaction.atomic():  # a new visit is kept only with the post that names it
            visit = None
            if form.wants_new_visit:
                visit = services.visit_create(
                    worker=user,
                    visited_on=form.cleaned_data["new_visit_on"],
                    place=form.cleaned_data["new_visit_place"],
                    context=context,
                )
            data = form.grievance_data(visit=visit)
            if as_draft:
                saved = services.grievance_save_draft(
                    author=user, data=data, grievance=draft, photos=photos, context=context
                )
            else:
                result = services.grievance_submit(
                    author=user,
                    data=data,
                    grievance=draft,
                    photos=photos,
                    proxy=bool(form.cleaned_data.get("on_behalf")),
                    submission_token=form.cleaned_data.get("submission_token") if draft is None else None,
                    signals=form_signals(request),
                    context=context,
                )
    except ValidationError as e:
        _apply_service_error(form, e)
        return None
    except PermissionDenied as e:
        form.add_error(None, str(e))
        return None
    if as_draft:
        messages.success(request, _("임시저장했습니다. 내 활동에서 이어서 쓸 수 있습니다."))
        return redirect("grievances:draft", reference=saved.reference)
    mark_submitted(request)  # the quota slot the decorator reserved is used up
    grievance = result.grievance
    if result.receipt_code:
        request.session[_ISSUED_KEY] = signing.dumps({"pk": grievance.pk, "code": result.receipt_code}, salt=_SALT)
        return redirect("grievances:receipt-issued")
    messages.success(request, _("접수되었습니다. 접수 번호는 %(ref)s 입니다.") % {"ref": grievance.reference})
    return redirect(grievance.get_absolute_url())


@login_required
def receipt_issued(request):
    """The receipt code of a post taken on someone's behalf, shown once, printable, with the SMS text."""
    token = request.session.pop(_ISSUED_KEY, None)
    try:
        issued = signing.loads(token, salt=_SALT, max_age=RECEIPT_SESSION_SECONDS) if token else None
    except signing.BadSignature:
        issued = None
    grievance = selectors.grievance_get_by_pk(pk=issued["pk"]) if issued else None
    if grievance is None or grievance.author_id != request.user.pk:
        messages.error(request, _("확인 코드는 접수 직후 한 번만 보여 드립니다. 내 활동에서 접수 번호를 확인하세요."))
        return redirect("grievances:my-activity")
    receipt_url = request.build_absolute_uri(reverse("grievances:receipt"))
    sms = _("[서울시 일사천리] 접수번호 %(ref)s 확인코드 %(code)s 확인: %(url)s") % {
        "ref": grievance.reference,
        "code": issued["code"],
        "url": receipt_url,
    }
    return render(
        request,
        "grievances/receipt_issued.html",
        {"grievance": grievance, "code": issued["code"], "sms": sms, "receipt_url": receipt_url},
    )


# ---- a person with a receipt code (no account) ------------------------------------------------------


def _receipt_limits() -> dict:
    return {**RECEIPT_LIMITS, **getattr(settings, "GRIEVANCES_RECEIPT_LIMITS", {})}


def receipt(request):
    """Enter the receipt code (POST: never in a URL that gets logged). Wrong codes are limited per
    address; a right one opens the post in this browser for a short while."""
    form = ReceiptCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits = _receipt_limits()
        reservation = limit_reserve(name="receipt-code", limits=limits, idents={"ip": client_ip(request)})
        if reservation is None:
            return too_many_response(
                request,
                message=_("확인 코드를 너무 여러 번 틀렸습니다. %(m)d분 뒤에 다시 시도해 주세요.")
                % {"m": max(1, limits["ip"][1] // 60)},
                retry_after=limits["ip"][1],
            )
        grievance = services.grievance_for_receipt_code(code=form.cleaned_data["code"])
        if grievance is not None:
            reservation.release()  # only wrong codes count
            code = services.receipt_code_normalise(form.cleaned_data["code"])
            request.session[_RECEIPT_KEY] = signing.dumps({"pk": grievance.pk, "code": code}, salt=_SALT)
            request.session.cycle_key()
            return redirect("grievances:receipt-post")
        form.add_error("code", _("확인 코드가 맞지 않습니다. 접수할 때 받은 코드를 다시 확인해 주세요."))
    return render(request, "grievances/receipt.html", {"form": form}, status=400 if form.errors else 200)


def _receipt_session(request):
    """(post, code) opened by a receipt code in this session, or (None, None) when expired or absent."""
    token = request.session.get(_RECEIPT_KEY)
    if not token:
        return None, None
    try:
        opened = signing.loads(token, salt=_SALT, max_age=RECEIPT_SESSION_SECONDS)
    except signing.BadSignature:
        request.session.pop(_RECEIPT_KEY, None)
        return None, None
    grievance = selectors.grievance_get_by_pk(pk=opened["pk"])
    return (grievance, opened["code"]) if grievance is not None else (None, None)


def receipt_post(request):
    """The post a receipt code opened: its answer, and (POST) rating it or asking once more."""
    grievance, code = _receipt_session(request)
    if grievance is None:
        messages.error(request, _("확인 시간이 지났습니다. 확인 코드를 다시 입력해 주세요."))
        return redirect("grievances:receipt")
    if request.method == "POST":
        _rate_or_reanswer(request, grievance, action=request.POST.get("action", ""), receipt_code=code)
        return redirect("grievances:receipt-post")
    return render(request, "grievances/detail.html", _detail_context(request, grievance, receipt=True))


def receipt_photo(request, pk: int):
    grievance, _code = _receipt_session(request)
    found = next((p for p in grievance.attachments.all() if p.pk == pk), None) if grievance else None
    if found is None:
        raise Http404(_("사진을 찾을 수 없습니다."))
    return photo_response(found)


# ---- 내 활동 ---------------------------------------------------------------------------------------


@login_required
def my_activity(request):
    """내 활동: the user's field posts (drafts to finish included), posts they follow, and the
    notification feed (`core.notify`)."""
    posts = list(selectors.grievance_list_for_author(user=request.user)[:100])
    left = selectors.grievance_days_left_map(posts)
    return render(
        request,
        "grievances/my_activity.html",
        {
            "drafts": [g for g in posts if g.is_draft],
            "posts": [(g, "" if left[g.pk] is None else days_left_label(left[g.pk])) for g in posts if not g.is_draft],
            "followed": list(selectors.grievance_list_followed(user=request.user)[:50]),
            "feed": list(feed_for(user=request.user)),
            "can_post": _can_post(request.user),
        },
    )
