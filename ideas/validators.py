"""Validation of uploaded files and submitted text, with Korean messages."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Attachments accepted, by the type their content shows (never by their name).
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def validate_attachment(upload) -> str:
    """Check size and real type of an uploaded file. Returns its MIME type or raises."""
    limit = settings.IDEAS_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("'%(name)s' 파일이 너무 큽니다(%(size).1fMB). 파일 하나는 %(limit)dMB 이하여야 합니다.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="file_too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError(
            _("'%(name)s' 파일은 PDF, PNG, JPEG가 아닙니다. 파일 이름이 아니라 내용으로 확인합니다.")
            % {"name": upload.name},
            code="file_type",
        )
    return kind.mime
