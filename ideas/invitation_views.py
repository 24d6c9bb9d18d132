"""The author's answer to an invitation of a 상시 제안 idea into a contest round (내 아이디어 › 초대),
and the staff screen in the Wagtail admin that sends one. Each parses input, calls one service, renders."""

from __future__ import annotations

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.http import audit_context, parse_id

from . import invitations
from .models import ContestPage, Idea


@login_required
def invitation_answer(request, pk: int):
    """GET: the invitation and, while it can be answered, 수락 / 거절. POST action=accept|decline."""
    invitation = invitations.invitation_get_for(user=request.user, pk=parse_id(str(pk)))
    if invitation is None:
        raise Http404(_("초대를 찾을 수 없습니다."))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                idea = invitations.invitation_accept(
                    invitation=invitation, actor=request.user, context=audit_context(request)
                )
                messages.success(
                    request,
                    _("초대를 수락했습니다. 아이디어가 '%(round)s' 공모전으로 옮겨졌습니다.")
                    % {"round": invitation.round.title},
                )
                return redirect(idea.get_absolute_url())
            if action == "decline":
                invitations.invitation_decline(
                    invitation=invitation, actor=request.user, context=audit_context(request)
                )
                messages.success(request, _("초대를 거절했습니다. 아이디어는 상시 제안 게시판에 그대로 있습니다."))
                return redirect("ideas:invitation", pk=invitation.pk)
            messages.error(request, _("수락 또는 거절을 골라 주세요."))
        except PermissionDenied as e:
            raise Http404(str(e)) from e
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
        status = 400
        invitation = invitations.invitation_get_for(user=request.user, pk=invitation.pk)
    can_answer = rules.has_perm("ideas.answer_invitation", request.user, invitation)
    return render(
        request,
        "ideas/invitation.html",
        {"invitation": invitation, "idea": invitation.idea, "can_answer": can_answer},
        status=status,
    )


class InviteForm(forms.Form):
    round = forms.ModelChoiceField(
        label=gettext_lazy("초대할 공모전"),
        queryset=ContestPage.objects.none(),
        error_messages={
            "required": gettext_lazy("공모전을 골라 주세요."),
            "invalid_choice": gettext_lazy("지금 접수 중인 공모전을 골라 주세요."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("작성자에게 전할 말 (선택)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("1,000자까지 적을 수 있습니다.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = invitations.round_list_open_for_invitation()


def idea_invite_admin(request, reference: str):
    """Staff (moderators, site admins) invite a standing idea into an open round (Wagtail admin)."""
    idea = Idea.objects.select_related("contest").filter(reference=reference[:20]).first()
    if idea is None:
        raise Http404(_("아이디어를 찾을 수 없습니다."))
    if not rules.has_perm("ideas.invite_idea", request.user, idea):
        raise PermissionDenied(_("상시 제안 아이디어를 공모전에 초대할 권한이 없습니다."))
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitations.idea_invite(
                    idea=idea,
                    round=form.cleaned_data["round"],
                    message=form.cleaned_data["message"],
                    actor=request.user,
                    context=audit_context(request),
                )
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    for field, errs in e.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, e)
            else:
                messages.success(request, _("작성자에게 초대를 보냈습니다. 작성자가 수락하면 공모전으로 옮겨집니다."))
                return redirect("wagtailsnippets_ideas_idea:edit", str(idea.pk))
        status = 400
    pending = idea.invitations.filter(status="pending").select_related("round").first()
    return render(
        request,
        "ideas/admin/invite.html",
        {"idea": idea, "form": form, "pending": pending, "page_title": _("공모전에 초대")},
        status=status,
    )
