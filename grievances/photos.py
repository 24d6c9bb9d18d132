"""Photos of field posts: checked by their content (like ideas' attachments), then re-encoded with
Pillow so nothing but the pixels leaves the phone: EXIF (GPS position, device, time), XMP, ICC and
text chunks are dropped. The orientation the EXIF carried is applied to the pixels first, so the
photo still stands the right way up.

`photo_clean` checks and strips one upload (a Korean `ValidationError` otherwise); `photos_save`
stores a post's photos (the services call it); `photo_response` serves one to those who may see it.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _

#: Photo types accepted, by the type their content shows (never by their name): MIME → (Pillow format, ext).
PHOTO_TYPES = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png")}
#: Longest side kept, in pixels (a phone's 12 MP photo is scaled down; smaller ones are untouched).
MAX_SIDE = 2560
#: Images with more pixels than this are refused before decoding (decompression bombs).
MAX_PIXELS = 50_000_000


def max_photos() -> int:
    return int(getattr(settings, "GRIEVANCES_MAX_PHOTOS", 5))


def max_photo_bytes() -> int:
    return int(getattr(settings, "GRIEVANCES_MAX_PHOTO_BYTES", settings.IDEAS_MAX_ATTACHMENT_BYTES))


@dataclass(frozen=True)
class CleanPhoto:
    """A checked photo, re-encoded without metadata, ready to store."""

    content: bytes
    original_name: str
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def _original_name(upload) -> str:
    name = os.path.basename(getattr(upload, "name", "") or "photo")
    return name[:200] or "photo"


def photo_clean(upload) -> CleanPhoto:
    """Check an uploaded photo (size, JPEG or PNG by content, a decodable image) and return it
    re-encoded without any metadata. Raises ValidationError with a Korean message."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = _original_name(upload)
    limit = max_photo_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("'%(name)s' 사진이 너무 큽니다(%(size).1fMB). 사진 한 장은 %(limit)dMB 이하여야 합니다.")
            % {"name": name, "size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read()
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in PHOTO_TYPES:
        raise ValidationError(
            _("'%(name)s' 파일은 JPEG나 PNG 사진이 아닙니다. 파일 이름이 아니라 내용으로 확인합니다.") % {"name": name},
            code="file_type",
        )
    fmt, _ext = PHOTO_TYPES[kind.mime]
    unreadable = ValidationError(
        _("'%(name)s' 사진을 읽을 수 없습니다. 손상되지 않은 JPEG나 PNG 사진을 올려 주세요.") % {"name": name},
        code="file_broken",
    )
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise unreadable
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError(
                    _("'%(name)s' 사진의 해상도가 너무 큽니다. 더 작은 사진을 올려 주세요.") % {"name": name},
                    code="too_many_pixels",
                )
            img = ImageOps.exif_transpose(img)  # the EXIF orientation, applied to the pixels
            img.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise unreadable from exc
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    elif fmt == "PNG" and img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGBA")
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image from the pixels alone: no EXIF, XMP, ICC profile, comment or text chunk survives.
    bare = Image.frombytes(img.mode, img.size, img.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        bare.save(out, "JPEG", quality=88, optimize=True)
    else:
        bare.save(out, "PNG", optimize=True)
    return CleanPhoto(content=out.getvalue(), original_name=name, content_type=kind.mime)


def photos_save(*, grievance, files) -> list:
    """Store photos of `grievance` (uploads are checked and stripped here if the form did not already).
    Returns the new `GrievancePhoto` rows. Raises ValidationError when there would be too many."""
    from .models import GrievancePhoto

    photos = [f if isinstance(f, CleanPhoto) else photo_clean(f) for f in files or ()]
    if not photos:
        return []
    if grievance.attachments.count() + len(photos) > max_photos():
        raise ValidationError({"photos": _("사진은 %(n)d장까지 올릴 수 있습니다.") % {"n": max_photos()}})
    saved = []
    for photo in photos:
        ext = PHOTO_TYPES[photo.content_type][1]
        row = GrievancePhoto(
            grievance=grievance, original_name=photo.original_name, content_type=photo.content_type, size=photo.size
        )
        row.file.save(f"photo.{ext}", ContentFile(photo.content), save=False)
        row.save()
        saved.append(row)
    return saved


def photo_response(photo) -> FileResponse:
    """One photo, shown inline (it was re-encoded by us: pixels only), never sniffed, never active."""
    content_type = photo.content_type if photo.content_type in PHOTO_TYPES else "application/octet-stream"
    response = FileResponse(photo.file.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
