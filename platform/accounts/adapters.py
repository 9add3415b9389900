"""Høst's adjustments to allauth."""
from __future__ import annotations

import re

from allauth.mfa.adapter import DefaultMFAAdapter

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code as an <svg> element to put in the page itself (an image from a data:
        URL would need the Content-Security-Policy relaxed), sized by the page's CSS."""
        svg = _XML_DECLARATION.sub("", super().build_totp_svg(url))
        return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="hoest-qr-code" focusable="false" aria-hidden="true"', svg, count=1)
