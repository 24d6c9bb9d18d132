"""Attachment downloads: the one place that names a file and builds its response.

Every attachment leaves the site through a view that first checks who may see it (the idea's
`ideas.view_idea` rule, or the review panel's own rule for an assigned reviewer) and then calls
`attachment_response`: always a download (`Content-Disposition: attachment`), never sniffed, never
rendered as active content, and named neutrally while the entry is reviewed blind.
"""

from __future__ import annotations

from urllib.parse import quote

import rules
from django.http import FileResponse

# The only types an upload may have (checked from the content on upload); anything else is served
# as opaque bytes.
SAFE_CONTENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def attachment_names(*, idea, user) -> dict[int, str]:
    """The name each of the idea's attachments is shown and downloaded under for `user`, by pk.

    The original file name while the author may be shown (rule `ideas.view_author_name`); during
    blind review a neutral `첨부-<n>.<ext>` (n counts the idea's files in upload order), since a
    file name often carries its author's name.
    """
    files = sorted(idea.attachments.all(), key=lambda a: a.pk)
    if rules.has_perm("ideas.view_author_name", user, idea):
        return {a.pk: a.original_name for a in files}
    return {a.pk: f"첨부-{n}.{SAFE_CONTENT_TYPES.get(a.content_type, 'bin')}" for n, a in enumerate(files, start=1)}


def attachment_response(attachment, *, filename: str) -> FileResponse:
    """A download of the attachment under `filename`, safe whatever the bytes are."""
    content_type = attachment.content_type if attachment.content_type in SAFE_CONTENT_TYPES else None
    response = FileResponse(attachment.file.open("rb"), content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
