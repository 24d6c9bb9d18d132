"""The forum's views: the topic page's context (the page itself is a Wagtail page), posting opinions and
replies, 공감, following, the meeting's sign-ups, the summary for staff and the export. Each view parses
input, calls one service or selector, renders."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.follow import follower_count, is_following
from core.http import audit_context, parse_id
from moderation.quotas import too_many_response

from . import selectors, services
from .choices import Position, Sort
from .exports import opinions_export
from .forms import OpinionForm, ReplyForm
from .models import Opinion, TopicPage


def _topic(request, topic_id) -> TopicPage:
    pk = parse_id(topic_id)
    topic = TopicPage.objects.live().filter(pk=pk).first() if pk else None
    if topic is None or not rules.has_perm("forum.view_topic", request.user, topic):
        raise Http404
    return topic


def _opinion(request, opinion_id) -> Opinion:
    pk = parse_id(opinion_id)
    opinion = Opinion.objects.select_related("topic").filter(pk=pk).first() if pk else None
    if opinion is None or not opinion.topic.live or not rules.has_perm("forum.view_topic", request.user, opinion):
        raise Http404
    if not opinion.is_public and not (request.user.is_authenticated and opinion.author_id == request.user.pk):
        raise Http404
    return opinion


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)


def topic_page_context(request, topic: TopicPage) -> dict:
    """What the topic page shows, for the Wagtail page's `get_context`."""
    user = request.user
    sort = request.GET.get("sort", Sort.NEWEST)
    if sort not in Sort.values:
        sort = Sort.NEWEST
    page = selectors.opinion_page(topic=topic, sort=sort, page=parse_id(request.GET.get("page")) or 1)
    summary = selectors.summary_of(topic=topic)
    can_manage = rules.has_perm("forum.manage_topic", user, topic)
    signup = selectors.signup_of(user=user, topic=topic)
    editable, deletable = selectors.own_actions(user=user, topic=topic, opinions=page.object_list)
    return {
        "topic": topic,
        "opinions": page,
        "sort": sort,
        "sorts": Sort.choices,
        "supported": selectors.supported_ids(user=user, opinions=page.object_list),
        "editable": editable,
        "positions": Position.choices,
        "deletable": deletable,
        "can_post": rules.has_perm("forum.post_opinion", user, topic),
        "can_follow": rules.has_perm("forum.follow_topic", user, topic),
        "following": is_following(user=user, target=topic),
        "followers": follower_count(topic),
        "opinion_form": OpinionForm(),
        "signup": signup,
        "waiting_position": selectors.waiting_position(signup=signup)
        if signup and signup.status == "waiting"
        else None,
        "can_signup": rules.has_perm("forum.signup_meeting", user, topic),
        "summary": summary if summary and (summary.published_at or can_manage) else None,
        "can_manage": can_manage,
        "linked_ideas": [link.idea for link in topic.linked_ideas.select_related("idea") if link.idea.is_public],
        "linked_grievances": [
            link.grievance for link in topic.linked_grievances.select_related("grievance") if link.grievance.is_public
        ],
    }


def _form_error(request, topic, form, *, reply_to=None, editing=None, status=400):
    return render(
        request,
        "forum/opinion_form.html",
        {"topic": topic, "form": form, "reply_to": reply_to, "editing": editing, "page": topic},
        status=status,
    )


@login_required
@require_POST
def opinion_create(request, topic_id):
    topic = _topic(request, topic_id)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _form_error(request, topic, form)
    try:
        opinion = services.opinion_post(
            topic=topic,
            author=request.user,
            body=form.cleaned_data["body"],
            position=form.cleaned_data["position"],
            context=audit_context(request),
        )
    except services.RateLimited as e:
        return too_many_response(request, message=str(e))
    except PermissionDenied as e:
        return _form_error(request, topic, _with_error(form, e), status=403)
    except ValidationError as e:
        return _form_error(request, topic, _with_error(form, e))
    if opinion.is_public:
        messages.success(request, _("의견을 올렸습니다."))
    else:
        messages.info(request, _("의견을 받았습니다. 검토 뒤에 공개됩니다."))
    return redirect(f"{topic.url}#opinion-{opinion.pk}")


def _with_error(form, error) -> object:
    form.add_error(None, _message(error))
    return form


@login_required
@require_POST
def opinion_reply(request, opinion_id):
    parent = _opinion(request, opinion_id)
    topic = parent.topic
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _form_error(request, topic, form, reply_to=parent)
    try:
        reply = services.opinion_post(
            topic=topic,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
            context=audit_context(request),
        )
    except services.RateLimited as e:
        return too_many_response(request, message=str(e))
    except PermissionDenied as e:
        return _form_error(request, topic, _with_error(form, e), reply_to=parent, status=403)
    except ValidationError as e:
        return _form_error(request, topic, _with_error(form, e), reply_to=parent)
    messages.success(
        request, _("답글을 올렸습니다.") if reply.is_public else _("답글을 받았습니다. 검토 뒤에 공개됩니다.")
    )
    return redirect(f"{topic.url}#opinion-{reply.pk}")


def _own_opinion(request, opinion_id) -> Opinion:
    """The signed-in user's own opinion (a 404 for anyone else's, as for comments)."""
    opinion = _opinion(request, opinion_id)
    if opinion.author_id != request.user.pk:
        raise Http404
    return opinion


@login_required
@require_POST
def opinion_edit(request, opinion_id):
    """POST `body` (and `position` for a top-level opinion): the author's edit within the window."""
    opinion = _own_opinion(request, opinion_id)
    topic = opinion.topic
    form = (ReplyForm if opinion.parent_id else OpinionForm)(request.POST)
    if not form.is_valid():
        return _form_error(request, topic, form, editing=opinion)
    try:
        opinion = services.opinion_update(
            opinion=opinion,
            actor=request.user,
            body=form.cleaned_data["body"],
            position=form.cleaned_data.get("position"),
            context=audit_context(request),
        )
    except PermissionDenied as e:
        return _form_error(request, topic, _with_error(form, e), editing=opinion, status=403)
    except ValidationError as e:
        return _form_error(request, topic, _with_error(form, e), editing=opinion)
    if opinion.is_public:
        messages.success(request, _("의견을 고쳤습니다."))
    else:
        messages.info(request, _("고친 의견은 검토 뒤에 공개됩니다."))
    return redirect(f"{topic.url}#opinion-{opinion.pk}")


@login_required
@require_POST
def opinion_delete(request, opinion_id):
    opinion = _own_opinion(request, opinion_id)
    topic = opinion.topic
    # A refusal (PermissionDenied) is the 403 page with the Korean reason.
    services.opinion_delete(opinion=opinion, actor=request.user, context=audit_context(request))
    messages.success(request, _("의견을 지웠습니다."))
    return redirect(f"{topic.url}#opinions-title")


@require_POST
def opinion_support(request, opinion_id):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("로그인해 주세요.")}, status=401)
    opinion = _opinion(request, opinion_id)
    try:
        if request.POST.get("action") == "unsupport":
            services.opinion_unsupport(opinion=opinion, user=request.user)
        else:
            services.opinion_support(opinion=opinion, user=request.user)
    except PermissionDenied as e:
        if "application/json" in request.headers.get("accept", ""):
            return JsonResponse({"detail": str(e)}, status=403)
        messages.error(request, str(e))
        return redirect(opinion.get_absolute_url())
    opinion.refresh_from_db(fields=["support_count"])
    if "application/json" in request.headers.get("accept", ""):
        return JsonResponse({"support_count": opinion.support_count})
    return redirect(opinion.get_absolute_url())


@login_required
@require_POST
def topic_follow(request, topic_id):
    topic = _topic(request, topic_id)
    try:
        if request.POST.get("action") == "unfollow":
            services.topic_unfollow(topic=topic, user=request.user)
            messages.success(request, _("팔로우를 그만두었습니다."))
        else:
            services.topic_follow(topic=topic, user=request.user)
            messages.success(request, _("이 토론 주제를 팔로우합니다. 결과가 공개되면 알려 드립니다."))
    except PermissionDenied as e:
        messages.error(request, str(e))
    return redirect(topic.url)


@login_required
@require_POST
def meeting_signup(request, topic_id):
    topic = _topic(request, topic_id)
    try:
        signup = services.meeting_signup(topic=topic, user=request.user, context=audit_context(request))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        if signup.status == "confirmed":
            messages.success(request, _("토론회 참가 신청이 확정되었습니다."))
        else:
            messages.info(request, _("정원이 차서 대기자로 등록했습니다. 자리가 나면 알려 드립니다."))
    return redirect(topic.url)


@login_required
@require_POST
def meeting_cancel(request, topic_id):
    topic = _topic(request, topic_id)
    try:
        services.meeting_cancel(topic=topic, user=request.user, context=audit_context(request))
    except (PermissionDenied, ValidationError) as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, _("참가 신청을 취소했습니다."))
    return redirect(topic.url)


def _staff_topic(request, topic_id) -> TopicPage:
    topic = _topic(request, topic_id)
    if not rules.has_perm("forum.manage_topic", request.user, topic):
        raise PermissionDenied(_("운영진만 할 수 있습니다."))
    return topic


@login_required
@require_POST
def summary_build(request, topic_id):
    topic = _staff_topic(request, topic_id)
    try:
        services.topic_summary_build(topic=topic, actor=request.user, context=audit_context(request))
    except ValidationError as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, _("요약을 만들었습니다. 확인한 뒤 공개해 주세요."))
    return redirect(topic.url)


@login_required
@require_POST
def summary_publish(request, topic_id):
    topic = _staff_topic(request, topic_id)
    try:
        services.topic_summary_publish(topic=topic, actor=request.user, context=audit_context(request))
    except ValidationError as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, _("요약을 공개하고 팔로워에게 알렸습니다."))
    return redirect(topic.url)


@login_required
def opinions_download(request, topic_id, fmt: str):
    topic = _staff_topic(request, topic_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content, content_type, name = opinions_export(topic=topic, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
