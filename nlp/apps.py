from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NlpConfig(AppConfig):
    """Django side of the NLP module: adapter, tasks and commands. The core imports no Django."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nlp"
    verbose_name = _("한국어 분석")

    def ready(self):
        # The triage screen's permissions (`nlp.view_triage`, `nlp.change_triage`, `nlp.refit_triage`).
        from .site import rules  # noqa: F401
