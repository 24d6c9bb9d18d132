from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract provenance base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        abstract = True
