"""Høst's adjustments to allauth."""
from __future__ import annotations

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import passwords
from .eid import claims

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """National e-ID sign-in (accounts.eid): check the claims, keep only what Høst needs, and
    record the verification on the account (now, or once a new account is signed up)."""

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.get_provider().id != "eid":
            return
        try:
            facts = claims.facts_from(sociallogin)
            sociallogin.account.extra_data = claims.scrubbed(sociallogin.account.extra_data or {})
            if sociallogin.is_existing:
                claims.record(sociallogin.user, facts)
            elif request.user.is_authenticated:  # connecting the e-ID to the signed-in account
                claims.record(request.user, facts)
            elif (known := claims.verified_account(facts)) is not None:
                # The person's account, verified through another of the installation's e-ID
                # providers (another municipality's MitID client): this sign-in reaches it
                # too, rather than making them a second account that the e-ID cannot verify.
                sociallogin.connect(request, known)
                claims.record(known, facts)
            else:
                claims.stash(request.session, facts)
        except claims.EidRefused as refusal:
            messages.error(request, str(refusal))
            raise ImmediateHttpResponse(redirect("account-profile" if request.user.is_authenticated
                                                 else "account_login")) from None

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        facts = claims.unstash(request.session) if sociallogin.account.get_provider().id == "eid" else None
        if facts is not None:
            try:
                claims.record(user, facts)
            except claims.EidRefused as refusal:
                messages.error(request, str(refusal))
        return user
