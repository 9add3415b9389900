"""Images kept across a form that comes back with an error, so people need not pick them again.

A browser cannot refill a file input, so the images that were fine are checked (and stripped
of metadata, ui.images.clean_image), written outside MEDIA_ROOT (never served) and listed in
the person's session; the form shows them with a box to untick to leave one out. Only the
session that uploaded an image can use it; the idea takes them on success and the files go.

Staff forms with one picture (a campaign's, a dinner programme's, a budget's, a project's
review) keep theirs the same way under their own session key: picture_files binds the form to
the kept picture when no new one is chosen, so the form and the service check it as any upload,
and picture_keep keeps a newly chosen one when the form comes back again.
"""
from __future__ import annotations

import contextlib
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ui.images import clean_image

SESSION_KEY = "idea_image_stash"
PICTURE_KEY = "picture_stash"
MAX_STASHED = 3
# Long enough to correct a form after a break; the sweep (ideas.tasks) deletes older images.
KEPT_FOR = timedelta(days=1)
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "upload-stash"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _entries(request, key: str) -> dict[str, dict]:
    return dict(request.session.get(key) or {})


def _path(token: str, entry: dict) -> Path:
    return _folder() / f"{token}.{entry['ext']}"


def stashed(request, tokens=None, *, key: str = SESSION_KEY) -> list[dict]:
    """The session's kept images ({"token", "name"}), all or those named in `tokens`."""
    entries = _entries(request, key)
    wanted = entries if tokens is None else [t for t in dict.fromkeys(tokens) if t in entries]
    return [{"token": t, "name": entries[t]["name"]} for t in wanted if _path(t, entries[t]).exists()]


def stash(request, uploads, *, key: str = SESSION_KEY) -> list[dict]:
    """Keep the uploads that are images we accept (the others stay errors); returns them."""
    entries = _entries(request, key)
    kept = []
    for upload in uploads:
        if len(entries) >= MAX_STASHED:
            break
        try:
            upload.seek(0)
            clean = clean_image(upload)
        except (ValidationError, OSError):
            continue
        token = secrets.token_urlsafe(16)
        entries[token] = {"name": Path(upload.name or "image").name[:100], "ext": clean.extension}
        _path(token, entries[token]).write_bytes(clean.content.read())
        kept.append({"token": token, "name": entries[token]["name"]})
    request.session[key] = entries
    return kept


def files(request, tokens, *, key: str = SESSION_KEY) -> list[SimpleUploadedFile]:
    """The kept images named in `tokens` (this session's only), as uploads for the service."""
    entries = _entries(request, key)
    out = []
    for item in stashed(request, tokens, key=key):
        entry = entries[item["token"]]
        out.append(SimpleUploadedFile(item["name"], _path(item["token"], entry).read_bytes(),
                                      content_type=CONTENT_TYPES.get(entry["ext"], "application/octet-stream")))
    return out


def discard(request, tokens=None, *, key: str = SESSION_KEY) -> None:
    """Forget kept images (all of them by default) and delete their files."""
    entries = _entries(request, key)
    gone = False
    for token in list(entries if tokens is None else tokens):
        entry = entries.pop(token, None)
        if entry is not None:
            _path(token, entry).unlink(missing_ok=True)
            gone = True
    if gone:  # an untouched session is not written again on every page
        request.session[key] = entries


def picture_files(request, *, field: str = "image"):
    """The files to bind a staff picture form to, and the picture kept from its last answer.

    A fresh form (GET) starts without one. On a POST without a newly chosen file, the kept
    picture the person left ticked (the "keep_picture" box) stands in for the upload; pictures
    kept before and no longer wanted go."""
    if request.method != "POST":
        discard(request, key=PICTURE_KEY)
        return None, None
    kept = next(iter(stashed(request, request.POST.getlist("keep_picture")[:1], key=PICTURE_KEY)), None)
    discard(request, {e["token"] for e in stashed(request, key=PICTURE_KEY)} - ({kept["token"]} if kept else set()),
            key=PICTURE_KEY)
    uploads = request.FILES.copy()
    if kept and not uploads.get(field):
        uploads[field] = files(request, [kept["token"]], key=PICTURE_KEY)[0]
    return uploads, kept


def picture_keep(request, kept, *, field: str = "image"):
    """The form comes back with an error: a newly chosen picture that is an image we accept is
    kept in place of the one kept before; returns the one now kept (or None)."""
    upload = request.FILES.get(field) if request.method == "POST" else None
    if upload is None:
        return kept
    new = stash(request, [upload], key=PICTURE_KEY)
    if not new:
        return kept
    if kept:
        discard(request, [kept["token"]], key=PICTURE_KEY)
    return new[0]


def picture_done(request) -> None:
    """The form is saved: the kept picture was taken (or left out) and goes."""
    discard(request, key=PICTURE_KEY)


def sweep(*, older_than: timedelta = KEPT_FOR) -> int:
    """Delete kept images nobody came back for (the form was left, the session ended);
    returns how many. A session still naming a swept image simply no longer lists it."""
    cutoff = time.time() - older_than.total_seconds()
    swept = 0
    for path in _folder().iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                swept += 1
    return swept
