from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasSiteConfig(AppConfig):
    """The site itself: settings, URLs and the demo loader, above every other app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas_site"
    verbose_name = _("일사천리 사이트")
