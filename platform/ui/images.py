"""Checking and cleaning uploaded images: real JPEG, PNG or WebP only, bounded in bytes
and in pixels (image bombs), re-encoded so that hidden metadata such as a photo's GPS
position never reaches the public."""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
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


# --- Pictures: a campaign's or a programme's image, shown large on its page and as a card ---
#: The widest a picture is kept (a page's column at twice the pixels); wider uploads shrink.
LARGE_WIDTH = 1600
#: The width of its small version, for cards and phones (srcset).
SMALL_WIDTH = 640


@dataclass
class Picture:
    """A checked upload (clean_image) as the two files a page offers in its srcset: `large`
    in the upload's own format, at most LARGE_WIDTH wide, and `small`, a WebP at most
    SMALL_WIDTH wide, in the same proportions."""

    large: CleanImage
    small: CleanImage


def _resized(data: bytes, width: int, fmt: str) -> tuple[bytes, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "PA") else "RGB")
        if image.width > width:
            image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
        elif fmt == "WEBP":
            image.save(out, "WEBP", quality=80, method=4)
        else:
            image.save(out, fmt, optimize=True)
        return out.getvalue(), image.width, image.height


def clean_picture(upload) -> Picture:
    """Check and clean `upload` as every uploaded image is (ValidationError with a message
    a person understands), then make its large and small versions."""
    clean = clean_image(upload)
    data = clean.content.read()
    fmt = next(name for name, extension in FORMATS.items() if extension == clean.extension)
    if clean.width > LARGE_WIDTH:
        large_data, width, height = _resized(data, LARGE_WIDTH, fmt)
        large = CleanImage(ContentFile(large_data), clean.extension, width, height)
    else:
        large = CleanImage(ContentFile(data), clean.extension, clean.width, clean.height)
    small_data, width, height = _resized(data, SMALL_WIDTH, "WEBP")
    return Picture(large, CleanImage(ContentFile(small_data), "webp", width, height))


def picture_checked(obj, *, image=None, remove_image: bool = False):
    """The picture of an upload for the model instance `obj` (see picture_store), checked
    as every uploaded image is, and the description (`obj.image_alt`) required with a
    picture, kept or new: one ValidationError naming every field that is wrong. None without
    an upload."""
    errors = {}
    picture = None
    if image is not None:
        try:
            picture = clean_picture(image)
        except ValidationError as exc:
            errors["image"] = exc.messages
    obj.image_alt = (obj.image_alt or "").strip()
    if (image is not None or (obj.image and not remove_image)) and not obj.image_alt:
        errors["image_alt"] = [_("Say what the image shows, for people who cannot see it.")]
    if errors:
        raise ValidationError(errors)
    return picture


def picture_store(instance, picture: Picture | None, *, remove: bool = False, field: str = "image") -> None:
    """Put `picture` on the model `instance` (not saved): its `<field>` (an ImageField that
    records its width and height) and `<field>_small`; or, with `remove`, take them off with
    their description. The files replaced are deleted once the transaction commits, so a
    removed picture stops being public, and a change rolled back keeps its picture."""
    large, small = getattr(instance, field), getattr(instance, f"{field}_small")
    replaced = [(f.storage, f.name) for f in (large, small) if f and (picture is not None or remove)]
    if picture is not None:
        large.save(f"{field}.{picture.large.extension}", picture.large.content, save=False)
        small.save(f"{field}-small.{picture.small.extension}", picture.small.content, save=False)
        # Django reads the size from the content saved, which has no name here (so: None).
        setattr(instance, f"{field}_width", picture.large.width)
        setattr(instance, f"{field}_height", picture.large.height)
    elif remove:
        setattr(instance, field, "")
        setattr(instance, f"{field}_small", "")
        setattr(instance, f"{field}_alt", "")
        # Clearing the field clears its recorded size to None; no picture has no size.
        setattr(instance, f"{field}_width", 0)
        setattr(instance, f"{field}_height", 0)
    if replaced:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in replaced])


def picture_data(instance, field: str = "image") -> dict | None:
    """The picture of `instance` as the API describes it, or None."""
    large = getattr(instance, field)
    if not large:
        return None
    small = getattr(instance, f"{field}_small")
    return {"url": large.url, "small_url": small.url if small else large.url,
            "width": getattr(instance, f"{field}_width"), "height": getattr(instance, f"{field}_height"),
            "alt": getattr(instance, f"{field}_alt")}
