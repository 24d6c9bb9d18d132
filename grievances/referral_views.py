"""The staff screens of 상시 제안 ideas referred to a department, in the Wagtail admin: staff refer an
idea ("부서에 답변 요청"), the department's members answer it or pass it on (이관). Each view parses
input, calls one service, renders; another department's referral is a 404."""

from __future__ import annotations

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.http import audit_context, parse_id
from ideas.models import Idea

from . import referrals
from .admin_forms import AnswerForm, TransferForm, _active_departments
from .admin_views import InboxAdminView, _service_error
from .deadlines import days_left_label


class ReferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("답변할 부서"),
        queryset=_active_departments(),
        error_messages={
            "required": gettext_lazy("부서를 골라 주세요."),
            "invalid_choice": gettext_lazy("부서를 다시 골라 주세요."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("부서에 전할 요청 내용 (선택)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"max_length": gettext_lazy("2,000자까지 적을 수 있습니다.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()


class ReferIdeaView(InboxAdminView):
    """Staff (moderators, site admins) ask a department to answer a 상시 제안 idea."""

    template_name = "grievances/admin/refer_idea.html"
    page_title = gettext_lazy("부서에 답변 요청")

    def get_idea(self) -> Idea:
        idea = Idea.objects.select_related("contest").filter(reference=self.kwargs["reference"][:20]).first()
        if idea is None:
            raise Http404(_("아이디어를 찾을 수 없습니다."))
        if not rules.has_perm("grievances.refer_idea", self.request.user, idea):
            raise PermissionDenied(_("아이디어를 부서에 보낼 권한이 없습니다."))
        return idea

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        idea = kwargs.get("idea") or self.get_idea()
        context.update(
            idea=idea,
            form=kwargs.get("form") or ReferForm(),
            open_referral=referrals.referral_open_for(idea=idea),
            answered=referrals.referral_answers_for(idea=idea),
        )
        return context

    def post(self, request, *args, **kwargs):
        idea = self.get_idea()
        form = ReferForm(request.POST)
        if form.is_valid():
            try:
                referral = referrals.idea_refer(
                    idea=idea,
                    department=form.cleaned_data["department"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    context=audit_context(request),
                )
            except ValidationError as e:
                _service_error(form, e)
            else:
                messages.success(request, _("%(dept)s에 답변을 요청했습니다.") % {"dept": referral.department.name})
                return redirect("grievances_admin:referral", pk=referral.pk)
        return self.render_to_response(self.get_context_data(idea=idea, form=form), status=400)


REFERRAL_ACTIONS = {"answer": AnswerForm, "transfer": TransferForm}


class ReferralView(InboxAdminView):
    """One referred idea: its masked text, the request, the deadline (D-n), and — for its department's
    members and moderators, while open — the answer and transfer forms."""

    template_name = "grievances/admin/referral.html"
    page_title = gettext_lazy("아이디어 답변 요청")

    def get_referral(self):
        referral = referrals.referral_get(user=self.request.user, pk=parse_id(str(self.kwargs["pk"])))
        if referral is None:
            raise Http404(_("처리함에서 이 요청을 찾을 수 없습니다."))
        return referral

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral = kwargs.get("referral") or self.get_referral()
        bound = kwargs.get("bound", {})
        left = referrals.referral_days_left(referral)
        context.update(
            referral=referral,
            idea=referral.idea,
            days_left=left,
            label=days_left_label(left) if left is not None else "",
            can_answer=rules.has_perm("grievances.answer_referral", self.request.user, referral),
            forms={name: bound.get(name) or cls(prefix=name) for name, cls in REFERRAL_ACTIONS.items()},
        )
        return context

    def post(self, request, *args, **kwargs):
        referral = self.get_referral()
        action = request.POST.get("action", "")
        if action not in REFERRAL_ACTIONS:
            messages.error(request, _("알 수 없는 처리입니다. 화면을 새로 고쳐 다시 해 주세요."))
            return self.render_to_response(self.get_context_data(referral=referral), status=400)
        form = REFERRAL_ACTIONS[action](request.POST, prefix=action)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "answer":
                    referrals.referral_answer(
                        referral=referral, answer=d["answer"], actor=request.user, context=audit_context(request)
                    )
                    done = _("답변을 등록했습니다. 아이디어 페이지에 공개됩니다.")
                else:
                    referrals.referral_transfer(
                        referral=referral,
                        department=d["department"],
                        reason=d["reason"],
                        actor=request.user,
                        context=audit_context(request),
                    )
                    done = _("%(dept)s(으)로 이관했습니다.") % {"dept": d["department"].name}
            except ValidationError as e:
                _service_error(form, e)
            else:
                messages.success(request, done)
                if referrals.referral_get(user=request.user, pk=referral.pk) is None:
                    return redirect("grievances_admin:inbox")
                return redirect("grievances_admin:referral", pk=referral.pk)
        fresh = self.get_referral()
        return self.render_to_response(self.get_context_data(referral=fresh, bound={action: form}), status=400)
