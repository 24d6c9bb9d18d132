from core.models import Submission


class FieldNote(Submission):
    """A field note: only what `core.models.Submission` gives, nothing about moderation or NLP."""

    class Meta:
        verbose_name = "현장 메모"
        app_label = "kinds"

    def get_absolute_url(self) -> str:
        return f"/notes/{self.pk}/"
