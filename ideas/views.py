"""Public and citizen views. Each parses input, calls one service or selector, renders."""

from __future__ import annotations

import logging

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from comments.selectors import comment_thread
from core.http import audit_context, client_ip, parse_id
from moderation.quotas import limit_reserve, mark_submitted, submission_quota, too_many_response
from moderation.spamguard import form_signals
from nlp.adapter import AnalysisUnavailable

from . import selectors, services
from .downloads import attachment_names, attachment_response
from .forms import AccountWithdrawForm, IdeaFilterForm, IdeaForm
from .invitations import invitation_list_for
from .models import ContestPage
from .paging import CappedPaginator, page_cap_message
from .search import analyse_query

logger = logging.getLogger(__name__)

#: Similar-idea look-ups per client address: (count, seconds); setting IDEAS_SIMILAR_LIMITS.
SIMILAR_LIMITS = {"ip": (60, 60)}


def _apply_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def contest_idea_list(request, contest: ContestPage, template="ideas/idea_list.html"):
    tracks = list(contest.tracks.all())
    filter_form = IdeaFilterForm(request.GET or None, tracks=tracks)
    values = filter_form.cleaned_or_empty() if request.GET else {}
    filters = selectors.IdeaFilters(contest=contest, **values)
    paginator = CappedPaginator(
        selectors.idea_list_public(filters=filters), settings.IDEAS_LIST_PAGE_SIZE, ids_first=True
    )
    page = paginator.get_page(request.GET.get("page"))
    beyond = paginator.page_beyond_cap(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "page": contest,
            "contest": contest,
            "filter_form": filter_form,
            "ideas_page": page,
            "supported_ids": selectors.user_has_supported(user=request.user, idea_ids=[i.pk for i in page]),
            "querystring": query.urlencode(),
            "result_count": paginator.count,
            "result_count_label": paginator.count_label,
            "page_cap_message": page_cap_message(paginator.num_pages) if beyond else "",
            "search_terms": analyse_query(filters.q).highlight_terms if filters.q else (),
        },
    )


@submission_quota
def contest_idea_submit(request, contest: ContestPage):
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    if not contest.is_submission_open:
        return render(request, "ideas/submission_closed.html", {"page": contest, "contest": contest}, status=403)
    if not rules.has_perm("ideas.submit_idea", request.user, contest):
        return render(request, "ideas/cannot_submit.html", {"page": contest, "contest": contest}, status=403)
    form = IdeaForm(request.POST or None, request.FILES or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_submit(
                contest=contest,
                author=request.user,
                data=form.idea_data(),
                attachments=form.cleaned_data.get("attachments") or [],
                submission_token=form.cleaned_data.get("submission_token"),
                signals=form_signals(request),
            )
        except ValidationError as e:
            _apply_service_error(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            mark_submitted(request)  # the quota slot the decorator reserved is used up
            messages.success(
                request, _("아이디어가 접수되었습니다. 접수 번호는 %(ref)s 입니다.") % {"ref": idea.reference}
            )
            return redirect(idea.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/idea_form.html", {"page": contest, "contest": contest, "form": form}, status=status)


def _named_attachments(idea, user) -> list[tuple]:
    names = attachment_names(idea=idea, user=user)
    return [(a, names[a.pk]) for a in idea.attachments.all()]


def idea_detail(request, reference: str):
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None:
        raise Http404(_("아이디어를 찾을 수 없습니다."))
    is_author = request.user.is_authenticated and idea.author_id == request.user.pk
    author_status = selectors.idea_author_statuses(ideas=[idea])[idea.pk] if is_author else None
    return render(
        request,
        "ideas/idea_detail.html",
        {
            "idea": idea,
            "contest": idea.contest,
            "is_author": is_author,
            "author_status": author_status,
            "show_author": rules.has_perm("ideas.view_author_name", request.user, idea),
            "attachments": _named_attachments(idea, request.user),
            "can_edit": rules.has_perm("ideas.edit_own_idea", request.user, idea),
            "can_support": rules.has_perm("ideas.support_idea", request.user, idea),
            "can_unsupport": rules.has_perm("ideas.unsupport_idea", request.user, idea),
            "has_supported": bool(selectors.user_has_supported(user=request.user, idea_ids=[idea.pk])),
            "similar": selectors.idea_list_similar(idea=idea),
            # Other apps add sections (field posts this idea answers …) through the `idea_detail_panels`
            # hook: fn(request, idea) -> safe HTML or "".
            "panels": [html for fn in hooks.get_hooks("idea_detail_panels") if (html := fn(request, idea))],
            "thread": comment_thread(target=idea, user=request.user, page=parse_id(request.GET.get("comments_page"))),
        },
    )


@login_required
def idea_edit(request, reference: str):
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None or idea.author_id != request.user.pk:
        raise Http404(_("아이디어를 찾을 수 없습니다."))
    if not rules.has_perm("ideas.edit_own_idea", request.user, idea):
        messages.error(request, _("접수 기간이 끝났거나 수정할 수 없는 상태입니다."))
        return redirect(idea.get_absolute_url())
    initial = {
        "title": idea.title,
        "summary": idea.summary,
        "body": idea.body,
        "track": idea.track.slug if idea.track else "",
        "target_group": idea.target_group,
        "district": idea.district,
        "expected_jobs": idea.expected_jobs,
    }
    form = IdeaForm(request.POST or None, request.FILES or None, idea=idea, initial=initial)
    if request.method == "POST" and form.is_valid():
        remove = [n for n in map(parse_id, request.POST.getlist("remove_attachment")) if n is not None]
        try:
            services.idea_update(
                idea=idea,
                actor=request.user,
                data=form.idea_data(),
                attachments=form.cleaned_data.get("attachments") or [],
                remove_attachments=remove,
                signals=form_signals(request),
            )
        except ValidationError as e:
            _apply_service_error(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("수정했습니다. 다시 검토를 거쳐 공개됩니다."))
            return redirect(idea.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/idea_form.html", {"contest": idea.contest, "form": form, "idea": idea}, status=status)


@login_required
@require_POST
def idea_withdraw(request, reference: str):
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None:
        raise Http404(_("아이디어를 찾을 수 없습니다."))
    try:
        services.idea_withdraw(idea=idea, actor=request.user, context=audit_context(request))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("아이디어를 철회했습니다. 목록에서 더 이상 보이지 않습니다."))
    return redirect("ideas:my-ideas")


@require_POST
def idea_support(request, reference: str):
    if not request.user.is_authenticated:
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"detail": _("공감하려면 로그인해 주세요.")}, status=401)
        return redirect(f"/accounts/login/?next=/ideas/{reference}/")
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None:
        raise Http404(_("아이디어를 찾을 수 없습니다."))
    try:
        if request.POST.get("action") == "remove":
            services.idea_unsupport(idea=idea, user=request.user)
            msg = _("공감을 취소했습니다.")
        else:
            added = services.idea_support(idea=idea, user=request.user)
            msg = _("공감했습니다.") if added else _("이미 공감한 아이디어입니다.")
    except PermissionDenied as e:
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"detail": str(e)}, status=403)
        messages.error(request, str(e))
        return redirect(idea.get_absolute_url())
    if request.headers.get("accept", "").startswith("application/json"):
        count = selectors.idea_support_count(idea=idea)
        return JsonResponse({"detail": msg, "support_count": count})
    messages.success(request, msg)
    return HttpResponseRedirect(idea.get_absolute_url())


@login_required
def my_ideas(request):
    ideas = list(selectors.idea_list_for_author(user=request.user))
    statuses = selectors.idea_author_statuses(ideas=ideas)
    invitations = list(invitation_list_for(user=request.user)[:20])
    # Other apps add sections (the projects these ideas were adopted into …) through the `my_ideas_panels`
    # hook: fn(request, ideas) -> safe HTML or "".
    panels = [html for fn in hooks.get_hooks("my_ideas_panels") if (html := fn(request, ideas))]
    return render(
        request,
        "ideas/my_ideas.html",
        {"rows": [(idea, statuses[idea.pk]) for idea in ideas], "invitations": invitations, "panels": panels},
    )


@require_GET
def similar_while_writing(request):
    """Up to 5 similar published ideas for a draft (title + first paragraph), as JSON."""
    limits = {**SIMILAR_LIMITS, **getattr(settings, "IDEAS_SIMILAR_LIMITS", {})}
    if limit_reserve(name="similar", limits=limits, idents={"ip": client_ip(request)}) is None:
        return too_many_response(
            request,
            message=_("유사 아이디어 찾기를 너무 자주 요청했습니다. 잠시 뒤에 다시 시도해 주세요."),
            retry_after=limits["ip"][1],
            as_json=True,
        )
    text = (request.GET.get("title", "") + "\n" + request.GET.get("body", ""))[:3000]
    contest_id = parse_id(request.GET.get("contest"))
    try:
        results = selectors.idea_list_similar_to_text(text=text, contest_id=contest_id)
    except AnalysisUnavailable:  # a hint while writing: the form works without it
        logger.warning("Similar ideas unavailable", exc_info=True)
        return JsonResponse({"results": [], "unavailable": True})
    return JsonResponse(
        {
            "results": [
                {"title": i.title_public, "url": i.get_absolute_url(), "reference": i.reference, "score": round(s, 3)}
                for i, s in results
            ]
        }
    )


def idea_attachment(request, reference: str, pk: int):
    """Serve an attachment only to those who may see its idea (never straight from /media/), as a
    download, named neutrally during blind review."""
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    attachment = next((a for a in idea.attachments.all() if a.pk == pk), None) if idea else None
    if attachment is None:
        raise Http404(_("파일을 찾을 수 없습니다."))
    name = attachment_names(idea=idea, user=request.user)[attachment.pk]
    return attachment_response(attachment, filename=name)


def privacy_notice(request):
    return render(request, "ideas/privacy_notice.html", {"PRIVACY_NOTICE_VERSION": settings.PRIVACY_NOTICE_VERSION})


@login_required
def account_withdraw(request):
    """회원 탈퇴, confirmed with the password."""
    from django.contrib.auth import logout

    form = AccountWithdrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_withdraw(user=request.user)
        logout(request)
        messages.success(
            request, _("탈퇴했습니다. 개인정보를 지웠고, 제출한 아이디어는 '탈퇴한 회원' 이름으로 남습니다.")
        )
        return redirect("/")
    return render(request, "ideas/account_withdraw.html", {"form": form}, status=400 if form.errors else 200)
