from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The review panel: rubric, assignment, blind scoring, aggregation and results."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation.review"
    label = "review"
    verbose_name = _("심사")
