"""National e-ID sign-in (MitID through NemLog-in or a certified broker, ID-porten) over
OpenID Connect: allauth's provider with PKCE on, a nonce checked against the ID token
(accounts.eid.claims) and the municipality's claim mapping.

Each municipality's identity provider is one allauth SocialApp with provider "eid" and its
own provider_id (e.g. "mitid-aarhus"). Its settings: server_url (the issuer), claims
({"person_id": ..., "birthdate": ..., "loa": ...}: which claim holds the national
identifier, the birth date and the level of assurance), accepted_loa (the levels taken, empty:
any), scope."""
from __future__ import annotations

import secrets

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.census import person_key

from .views import EidOAuth2Adapter


class EidAccount(OpenIDConnectProviderAccount):
    def to_str(self) -> str:
        return str(_("National e-ID"))


class EidProvider(OpenIDConnectProvider):
    id = "eid"
    name = "e-ID"
    account_class = EidAccount
    oauth2_adapter_class = EidOAuth2Adapter
    pkce_enabled_default = True

    @property
    def server_url(self):
        # A path (the demo's Test-ID, "/test-id") is on this site, whatever its host and port.
        url = self.app.settings["server_url"]
        if url.startswith("/"):
            url = self.request.build_absolute_uri(url)
        return self.wk_server_url(url)

    def get_login_url(self, request, **kwargs):
        from urllib.parse import urlencode

        url = reverse("eid_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("eid_callback", kwargs={"provider_id": self.app.provider_id})

    def get_default_scope(self):
        return list(self.app.settings.get("scope", ["openid"]))

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # The nonce goes to the provider and into allauth's state (kept in the session); the
        # ID token must carry it back (accounts.eid.claims.check_nonce), so a token issued
        # for another sign-in cannot be replayed into this one.
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)

    def serialize(self) -> dict:
        # A sign-up waiting in the session names its provider by this: allauth's own ("eid"
        # and the client id) is ambiguous when two municipalities' apps share one client at
        # the same broker, and the sign-up then failed. The app's provider_id is unique, and
        # allauth's lookup (adapter.get_provider) finds an app by it.
        return {**super().serialize(), "id": self.app.provider_id}

    def extract_uid(self, data):
        # allauth keeps the subject to find the account at the next sign-in. Some providers'
        # subject is the identity number itself: only its keyed hash is kept, as for the
        # census (accounts.census.person_key), so the table never holds an identifier.
        return person_key(f"{self.app.provider_id}:sub:{super().extract_uid(data)}")

    def extract_common_fields(self, data):
        # Only what Høst uses from the provider: never the name or the identifier.
        fields = super().extract_common_fields(data)
        return {"email": fields.get("email")} if fields.get("email") else {}


provider_classes = [EidProvider]
