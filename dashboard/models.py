"""No tables: only the permission staff grant to see the dashboard."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardAccess(models.Model):
    """Holds the permission `dashboard.view_dashboard` (TF 성과관리 현황 보기), which staff grant to a group
    in the Wagtail admin (설정 → 그룹 → 기타 권한); superusers have it. No table (`managed = False`)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("TF 성과관리 현황 보기"))]
        verbose_name = _("TF 성과관리 현황")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
