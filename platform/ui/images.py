"""Checking and cleaning uploaded images: real JPEG, PNG or WebP only, bounded in bytes
and in pixels (image bombs), re-encoded so that hidden metadata such as a photo's GPS
position never reaches the public."""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 24_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass
class CleanImage:
    content: ContentFile
    extension: str
    width: int
    height: int


def clean_image(upload) -> CleanImage:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The image is larger than %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)},
                              code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="wrong_type")
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(w)s × %(h)s pixels; it may have at most %(limit)s million pixels.")
                    % {"w": width, "h": height, "limit": MAX_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            # Re-encoding without the original's info drops EXIF (location, camera, owner).
            if fmt == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                image.save(out, fmt)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read. Upload a JPEG, PNG or WebP image."),
                              code="invalid_image") from None
    return CleanImage(ContentFile(out.getvalue()), FORMATS[fmt], width, height)
