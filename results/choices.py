"""Fixed vocabularies of the results side: a project's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("준비")
    IN_PROGRESS = "in_progress", _("추진중")
    DONE = "done", _("완료")
    ON_HOLD = "on_hold", _("보류")
