"""Høst's adjustments to allauth."""
from __future__ import annotations

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import passwords

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code as an <svg> element to put in the page itself (an image from a data:
        URL would need the Content-Security-Policy relaxed), sized by the page's CSS."""
        svg = _XML_DECLARATION.sub("", super().build_totp_svg(url))
        return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="hoest-qr-code" focusable="false" aria-hidden="true"', svg, count=1)


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        """allauth's check (per-address and per-account lockout first, so a locked account
        costs no hash), inside one of the process's password-check slots."""
        try:
            with passwords.check_slot():
                return super().authenticate(request, **credentials)
        except passwords.Busy:
            raise ValidationError(_("Too many sign-ins right now. Please try again in a moment."),
                                  code="busy") from None
