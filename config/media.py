"""Uploaded media in the embedded run mode (`./hoest serve`), where no reverse proxy sits in
front of the ASGI server. Production serves /media/ from nginx (deploy/nginx.conf).

Only files of the types Høst accepts as uploads are served, with their own content type and
`nosniff`, so a file can never be read as HTML or script; directories are never listed.
"""
from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve

# The image types ui.images.clean_image writes (JPEG, PNG, WebP), and GIF for older files.
MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
               ".gif": "image/gif"}


@require_safe
def media(request, path: str):
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in MEDIA_TYPES or path.endswith("/") or ".." in path.split("/") or "\\" in path:
        raise Http404
    served = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    if served.streaming:
        # Images are small (ui.images: at most 5 MB): one body, not a file iterator the ASGI
        # handler would have to drain from a thread.
        response = HttpResponse(b"".join(served.streaming_content), status=served.status_code)
        served.close()
        for header in ("Last-Modified", "Content-Length"):
            if header in served:
                response[header] = served[header]
    else:
        response = served  # 304 Not Modified
    # django.views.static guesses from the system's tables; ours are fixed.
    response["Content-Type"] = MEDIA_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response


mimetypes.add_type("image/webp", ".webp")
