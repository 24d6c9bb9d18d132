"""The core's screens in the Wagtail admin: granting the expert role (`core.admin_experts`)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_experts import ExpertPermissionPolicy, ExpertProfileViewSet
from .models import ExpertProfile

register_permission_policy(ExpertProfile, ExpertPermissionPolicy(ExpertProfile))


@hooks.register("register_admin_viewset")
def register_expert_viewset():
    return ExpertProfileViewSet()
