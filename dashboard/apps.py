from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The TF 성과관리 dashboard (layer 8): staff-only figures over ideas, screening, review, results and
    field posts, read through the lower apps' models and `results.selectors`. Registers nothing below."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("TF 성과관리")
