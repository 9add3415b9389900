from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse


class EidOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        # OpenID Connect lets a client skip the signature of an ID token it fetched itself
        # over TLS (allauth does); an identity a vote rests on is checked in full: signature
        # against the provider's published keys, issuer, audience and expiry.
        return jwtkit.verify_and_decode(credential=id_token, keys_url=self.openid_config["jwks_uri"],
                                        issuer=self.openid_config["issuer"], audience=app.client_id,
                                        lookup_kid=jwtkit.lookup_kid_jwk, verify_signature=True)

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("eid_callback", kwargs={"provider_id": self.provider_id}),
                                  self.redirect_uri_protocol)


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(EidOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(EidOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
