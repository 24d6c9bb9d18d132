from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NlpConfig(AppConfig):
    """Django side of the NLP module: the corpus registry's adapter, tasks and commands. The core imports
    no Django, and no part of it imports an app: apps register their corpora (`nlp.corpora`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nlp"
    verbose_name = _("한국어 분석")
