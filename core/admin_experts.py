"""The expert role in the Wagtail admin (전문가 관리): staff find a member by e-mail, give them the role
with an affiliation, change the affiliation, or take the role back. Every change goes through
`core.experts` (audited); only superusers and staff with the "전문가 정보 수정" permission
(`core.grant_expert`) see the screens."""

from __future__ import annotations

import rules
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .experts import expert_grant, expert_revoke
from .http import audit_context
from .models import ExpertProfile


class ExpertPermissionPolicy(ModelPermissionPolicy):
    """Every action on the screens (list, grant, change, revoke) needs `core.grant_expert`."""

    def user_has_permission(self, user, action):
        return action in ("add", "change", "delete", "view") and rules.has_perm("core.grant_expert", user)


class ExpertProfileForm(WagtailAdminModelForm):
    """The member (found by e-mail; fixed once granted) and the affiliation shown beside their opinions."""

    email = forms.EmailField(
        label=_("회원 이메일"),
        max_length=254,
        help_text=_("전문가 역할을 줄 회원이 가입할 때 쓴 이메일"),
        error_messages={"required": _("회원 이메일을 적어 주세요."), "invalid": _("이메일 형식이 올바르지 않습니다.")},
    )

    class Meta:
        model = ExpertProfile
        fields = ["affiliation"]
        error_messages = {
            "affiliation": {"required": _("소속을 적어 주세요."), "max_length": _("소속은 100자 이내로 적어 주세요.")}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("회원은 바꿀 수 없습니다. 다른 회원에게는 새로 부여해 주세요.")

    def clean_email(self):
        if self.instance.pk:
            return self.instance.user.email
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("이 이메일로 가입한 회원이 없습니다."))
        if ExpertProfile.objects.filter(user=user).exists():
            raise forms.ValidationError(_("이미 전문가입니다. 목록에서 소속을 고쳐 주세요."))
        self.expert_user = user
        return email

    def clean_affiliation(self):
        value = " ".join((self.cleaned_data.get("affiliation") or "").split())
        if not value:
            raise forms.ValidationError(_("소속을 적어 주세요."))
        return value


class ExpertCreateView(generic.CreateView):
    def save_instance(self):
        return expert_grant(
            user=self.form.expert_user,
            affiliation=self.form.cleaned_data["affiliation"],
            actor=self.request.user,
            context=audit_context(self.request),
        )


class ExpertEditView(generic.EditView):
    def save_instance(self):
        return expert_grant(
            user=self.object.user,
            affiliation=self.form.cleaned_data["affiliation"],
            actor=self.request.user,
            context=audit_context(self.request),
        )


class ExpertDeleteView(generic.DeleteView):
    def delete_action(self):
        expert_revoke(user=self.object.user, actor=self.request.user, context=audit_context(self.request))


class ExpertProfileViewSet(ModelViewSet):
    model = ExpertProfile
    icon = "user"
    menu_label = _("전문가 관리")
    name = "experts"
    url_prefix = "experts"
    add_to_admin_menu = True
    menu_order = 850
    form_fields = ["affiliation"]
    panels = [FieldPanel("email"), FieldPanel("affiliation")]
    list_display = ["user", "affiliation", "granted_by", "granted_at"]
    search_fields = ["user__email", "user__display_name", "affiliation"]
    ordering = ["-granted_at"]
    add_view_class = ExpertCreateView
    edit_view_class = ExpertEditView
    delete_view_class = ExpertDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_edit_handler(self):
        from wagtail.admin.panels import ObjectList

        return ObjectList(self.panels, base_form_class=ExpertProfileForm).bind_to_model(self.model)
