"""The triage screen in the Wagtail admin (/admin/triage/): ideas by topic cluster with their
suggested track and machine tags, duplicate candidates side by side, and the re-fit button.

Each view parses input, calls one selector or service, renders or redirects. Access: the rule
`nlp.view_triage` (moderators, reviewers, site admins) to look, `nlp.change_triage` (moderators
and site admins) to change anything. Reviewers see masked texts only, never the author.
"""

from __future__ import annotations

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.forms import IdChoiceField
from core.http import audit_context, parse_id
from nlp.classify import REVIEW_THRESHOLD
from nlp.tasks import refit_status

from ..models import ContestPage, Idea, PolicyTrack
from . import selectors, services

VIEW_PERM = "nlp.view_triage"
CHANGE_PERM = "nlp.change_triage"
#: The most ideas one triage page lists; narrow the filters to see the rest.
TRIAGE_LIMIT = 500


class TriageFilterForm(forms.Form):
    contest = IdChoiceField(
        label=gettext_lazy("공모전"),
        required=False,
        queryset=ContestPage.objects.all(),
        empty_label=gettext_lazy("전체"),
    )
    track = IdChoiceField(
        label=gettext_lazy("추천 트랙"),
        required=False,
        queryset=PolicyTrack.objects.all(),
        empty_label=gettext_lazy("전체"),
    )
    conf_min = forms.IntegerField(label=gettext_lazy("신뢰도 이상(%)"), required=False, min_value=0, max_value=100)
    conf_max = forms.IntegerField(label=gettext_lazy("신뢰도 미만(%)"), required=False, min_value=0, max_value=100)
    unconfirmed = forms.BooleanField(label=gettext_lazy("트랙 미확인만"), required=False)
    cluster = forms.TypedChoiceField(label=gettext_lazy("주제 묶음"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, cluster_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", _("전체"))] + [
            (cid, f"{label or _('이름 없음')} ({n})") for cid, label, n in cluster_choices
        ]

    def values(self) -> dict:
        """Selector keyword arguments; an invalid form filters nothing."""
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "contest": d["contest"].pk if d.get("contest") else None,
            "track": d["track"].pk if d.get("track") else None,
            "min_conf": d["conf_min"] / 100 if d.get("conf_min") is not None else None,
            "max_conf": d["conf_max"] / 100 if d.get("conf_max") is not None else None,
            "unconfirmed_only": bool(d.get("unconfirmed")),
            "cluster": d.get("cluster"),
        }


class BulkForm(forms.Form):
    ACTIONS = [
        ("accept_track", gettext_lazy("추천 트랙 수락")),
        ("set_track", gettext_lazy("트랙 지정")),
        ("accept_tags", gettext_lazy("자동 태그 모두 수락")),
        ("remove_tag", gettext_lazy("태그 삭제")),
    ]
    ideas = forms.ModelMultipleChoiceField(
        queryset=Idea.objects.all(),
        error_messages={
            "required": gettext_lazy("아이디어를 하나 이상 골라 주세요."),
        },
    )
    bulk_action = forms.ChoiceField(label=gettext_lazy("일괄 처리"), choices=ACTIONS)
    bulk_track = forms.ModelChoiceField(
        label=gettext_lazy("지정할 트랙"), required=False, queryset=PolicyTrack.objects.all()
    )
    bulk_tag = forms.CharField(label=gettext_lazy("삭제할 태그"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if data.get("bulk_action") == "set_track" and not data.get("bulk_track"):
            self.add_error("bulk_track", _("지정할 트랙을 골라 주세요."))
        if data.get("bulk_action") == "remove_tag" and not (data.get("bulk_tag") or "").strip():
            self.add_error("bulk_tag", _("삭제할 태그를 적어 주세요."))
        return data


class TriageAdminView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    raise_exception = True  # anonymous users never get here: Wagtail's admin login comes first
    permission_required = VIEW_PERM
    header_icon = "tag"

    def get_breadcrumbs_items(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = rules.has_perm(CHANGE_PERM, self.request.user)
        context["can_moderate"] = rules.has_perm("moderation.view_queue", self.request.user)
        context["can_refit"] = rules.has_perm("nlp.refit_triage", self.request.user)
        return context


class TriageView(TriageAdminView):
    template_name = "nlp/triage.html"
    page_title = gettext_lazy("아이디어 분류(트리아지)")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest_id = parse_id(self.request.GET.get("contest"))
        form = TriageFilterForm(
            self.request.GET or None, cluster_choices=selectors.triage_cluster_choices(contest=contest_id)
        )
        clusters = selectors.triage_clusters_explained(
            clusters=selectors.triage_clusters(**form.values(), limit=TRIAGE_LIMIT)
        )
        shown = sum(len(c.ideas) for c in clusters)
        context.update(
            filter_form=form,
            clusters=clusters,
            shown=shown,
            truncated=shown >= TRIAGE_LIMIT,
            tracks=list(PolicyTrack.objects.all()),
            model_state=selectors.triage_model_state(),
            refit=refit_status(),
            # Suggestions under the classifier's review threshold read "확인 필요" (nlp.calibration).
            review_threshold=REVIEW_THRESHOLD,
            bulk_actions=BulkForm.ACTIONS,
            next_url=self.request.get_full_path(),
        )
        return context


class DuplicatesView(TriageAdminView):
    template_name = "nlp/duplicates.html"
    page_title = gettext_lazy("중복 의심 아이디어")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest_id = parse_id(self.request.GET.get("contest"))
        context.update(
            groups=selectors.triage_duplicate_groups(contest=contest_id),
            contests=list(ContestPage.objects.all()),
            contest_id=contest_id,
        )
        return context


class TriageActionView(PermissionRequiredMixin, View):
    """POST only; staff allowed to change triage. Redirects back to the page it came from."""

    http_method_names = ["post"]
    permission_required = CHANGE_PERM
    raise_exception = True

    def back(self):
        target = self.request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return redirect(target)
        return redirect(reverse("nlp_triage:index"))

    def idea(self):
        return get_object_or_404(selectors.triage_base(), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        try:
            message = self.act(request)
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        else:
            if message:
                messages.success(request, message)
        return self.back()

    def act(self, request) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


class IdeaTrackView(TriageActionView):
    """`action=accept` accepts the suggested track; `action=set` sets the track chosen in the
    row's select (`track-<pk>`)."""

    def act(self, request) -> str:
        idea = self.idea()
        if request.POST.get("action") == "accept":
            services.triage_track_accept(idea=idea, actor=request.user, context=audit_context(request))
            return _("%(ref)s: 추천 트랙을 수락했습니다.") % {"ref": idea.reference}
        value = request.POST.get(f"track-{idea.pk}") or request.POST.get("track") or ""
        track_id = parse_id(value)
        track = PolicyTrack.objects.filter(pk=track_id).first() if track_id else None
        if track is None:
            raise ValidationError(_("지정할 트랙을 골라 주세요."))
        services.triage_track_set(idea=idea, track=track, actor=request.user, context=audit_context(request))
        return _("%(ref)s: 트랙을 '%(track)s'(으)로 지정했습니다.") % {"ref": idea.reference, "track": track.name}


class TagActionView(TriageActionView):
    kind = "accept"

    def act(self, request) -> str:
        idea = self.idea()
        name = (request.POST.get("tag") or "").strip()
        if not name:
            raise ValidationError(_("태그를 골라 주세요."))
        if self.kind == "accept":
            services.triage_tag_accept(idea=idea, tag_name=name, actor=request.user, context=audit_context(request))
            return _("%(ref)s: '%(tag)s' 태그를 수락했습니다.") % {"ref": idea.reference, "tag": name}
        services.triage_tag_remove(idea=idea, tag_name=name, actor=request.user, context=audit_context(request))
        return _("%(ref)s: '%(tag)s' 태그를 삭제했습니다. 다시 추천하지 않습니다.") % {
            "ref": idea.reference,
            "tag": name,
        }


class BulkView(TriageActionView):
    def act(self, request) -> str:
        form = BulkForm(request.POST)
        form.fields["ideas"].queryset = selectors.triage_base()
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        d = form.cleaned_data
        ideas, actor, action = list(d["ideas"].order_by("pk")), request.user, d["bulk_action"]
        if action == "accept_track":
            n = services.triage_track_accept_bulk(ideas=ideas, actor=actor, context=audit_context(request))
        elif action == "set_track":
            n = services.triage_track_set_bulk(
                ideas=ideas, track=d["bulk_track"], actor=actor, context=audit_context(request)
            )
        elif action == "accept_tags":
            n = services.triage_tags_accept_all(ideas=ideas, actor=actor, context=audit_context(request))
        else:
            n = services.triage_tag_remove_bulk(
                ideas=ideas, tag_name=d["bulk_tag"].strip(), actor=actor, context=audit_context(request)
            )
        return _("아이디어 %(n)d건을 처리했습니다.") % {"n": n}


class RefitView(TriageActionView):
    permission_required = "nlp.refit_triage"

    def act(self, request) -> str:
        services.triage_refit_enqueue(actor=request.user, context=audit_context(request))
        return _("다시 학습을 요청했습니다. 끝나면 추천 트랙과 주제 묶음이 새로 고쳐집니다.")
