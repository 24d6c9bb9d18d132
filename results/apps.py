from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
    verbose_name = _("성과 관리")

    def ready(self):
        from core.audit import ACTION_LABELS

        from .audit_labels import ACTION_LABELS as RESULTS_LABELS

        ACTION_LABELS.update(RESULTS_LABELS)

        # Coordinators are field experts the review panel's assignment draws on (the review app's
        # expertise registry; the review app never imports this one).
        from moderation.review import expertise as review_expertise

        from .expertise import provider

        review_expertise.register(provider)
