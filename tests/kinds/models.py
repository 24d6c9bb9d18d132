from django.db import models

from core.models import Submission


class FieldNote(Submission):
    """A field note: what `core.models.Submission` gives, nothing about moderation or NLP; ``route`` (the
    department a note was sent to) stands for a grievance's department in the routing tests."""

    route = models.CharField("부서", max_length=50, null=True, blank=True)

    class Meta:
        verbose_name = "현장 메모"
        app_label = "kinds"

    def get_absolute_url(self) -> str:
        return f"/notes/{self.pk}/"
