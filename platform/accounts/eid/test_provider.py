"""Test-ID: a stand-in national e-ID for the demo and the tests, an OpenID Connect provider
at /test-id/ that lets anyone sign in as any test person (as MitID's and ID-porten's own
test environments do). EID_TEST_PROVIDER switches it on; production refuses to start with it
(config.settings.production). It speaks the protocol Høst's e-ID client expects of the real
ones: authorization code with PKCE (S256) and a nonce, an RS256-signed ID token, userinfo."""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode, urlsplit

import jwt
from allauth.socialaccount.models import SocialApp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

KEY_CACHE = "eid-test-provider:key"
LEVELS = [("substantial", _("Substantial")), ("high", _("High")), ("low", _("Low"))]


def _enabled() -> None:
    if not getattr(settings, "EID_TEST_PROVIDER", False):
        raise Http404


def _issuer(request) -> str:
    return request.build_absolute_uri("/test-id")


def _private_key():
    # In the cache, so every process of the site signs with the same key.
    pem = cache.get(KEY_CACHE)
    if pem is None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        cache.add(KEY_CACHE, pem, None)
        pem = cache.get(KEY_CACHE, pem)
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def configuration(request):
    _enabled()
    issuer = _issuer(request)
    return JsonResponse({
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid"],
    })


def jwks(request):
    _enabled()
    public = _private_key().public_key().public_numbers()
    return JsonResponse({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "test-id",
                                   "n": _b64(public.n), "e": _b64(public.e)}]})


class TestPersonForm(forms.Form):
    person_id = forms.RegexField(label=_("Test person's CPR number"), regex=r"^\d{6}-?\d{4,5}$",
                                 error_messages={"invalid": _("Enter 10 digits (Danish CPR) or 11 (Norwegian).")})
    birthdate = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(label=_("Level of assurance"), choices=LEVELS, initial="substantial")


def _client(client_id: str) -> SocialApp:
    app = SocialApp.objects.filter(provider="eid", client_id=client_id).first()
    if app is None:
        raise Http404
    return app


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request):
    _enabled()
    params = request.GET
    app = _client(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    # Only back to this site's own e-ID callback for this client: never an open redirect.
    expected = f"/accounts/eid/{app.provider_id}/login/callback/"
    if urlsplit(redirect_uri).path != expected or urlsplit(redirect_uri).netloc != request.get_host():
        return HttpResponseBadRequest("redirect_uri")
    if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256" \
            or not params.get("code_challenge") or not params.get("nonce"):
        return HttpResponseBadRequest("PKCE (S256) and a nonce are required")
    form = TestPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = secrets.token_urlsafe(32)
        cache.set(f"eid-test-provider:code:{code}", {
            "client_id": app.client_id, "redirect_uri": redirect_uri, "nonce": params["nonce"],
            "challenge": params["code_challenge"], "person_id": form.cleaned_data["person_id"].replace("-", ""),
            "birthdate": form.cleaned_data["birthdate"].isoformat(), "level": form.cleaned_data["level"]}, 120)
        return HttpResponseRedirect(f"{redirect_uri}?{urlencode({'code': code, 'state': params.get('state', '')})}")
    return render(request, "accounts/test_id.html", {"form": form, "app": app})


@csrf_exempt  # a server-to-server call, authenticated by the client secret and PKCE
@require_POST
def token(request):
    _enabled()
    data = request.POST
    grant = cache.get(f"eid-test-provider:code:{data.get('code', '')}")
    if grant is None:
        return JsonResponse({"error": "invalid_grant"}, status=400)
    cache.delete(f"eid-test-provider:code:{data['code']}")  # a code works once
    app = _client(grant["client_id"])
    verifier = data.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    if data.get("client_id") != app.client_id or not secrets.compare_digest(data.get("client_secret", ""), app.secret):
        return JsonResponse({"error": "invalid_client"}, status=401)
    if not verifier or challenge != grant["challenge"] or data.get("redirect_uri") != grant["redirect_uri"]:
        return JsonResponse({"error": "invalid_grant"}, status=400)
    now = int(time.time())
    sub = hashlib.sha256(f"test-id:{app.client_id}:{grant['person_id']}".encode()).hexdigest()[:32]
    claims = {"iss": _issuer(request), "sub": sub, "aud": app.client_id, "iat": now, "exp": now + 300,
              "nonce": grant["nonce"], "acr": grant["level"], "person_id": grant["person_id"],
              "birthdate": grant["birthdate"]}
    access = secrets.token_urlsafe(32)
    cache.set(f"eid-test-provider:access:{access}", {"sub": sub, "birthdate": grant["birthdate"]}, 300)
    id_token = jwt.encode(claims, _private_key(), algorithm="RS256", headers={"kid": "test-id"})
    response = JsonResponse({"access_token": access, "token_type": "Bearer",  # nosec B105 - the OAuth token type's name
                             "expires_in": 300, "id_token": id_token})
    response["Cache-Control"] = "no-store"
    return response


def userinfo(request):
    _enabled()
    scheme, _space, access = request.headers.get("Authorization", "").partition(" ")
    info = cache.get(f"eid-test-provider:access:{access}") if scheme == "Bearer" else None
    if info is None:
        return JsonResponse({"error": "invalid_token"}, status=401)
    return JsonResponse(info)
