from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grievances"
    verbose_name = _("현장 기동대")

    def ready(self):
        # Field posts plug into the shared mechanisms by registering, so those never import this app.
        from .registration import register_grievances

        register_grievances()
