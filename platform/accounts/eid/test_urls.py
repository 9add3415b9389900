from django.urls import path

from . import test_provider

urlpatterns = [
    path(".well-known/openid-configuration", test_provider.configuration, name="test-id-configuration"),
    path("authorize", test_provider.authorize, name="test-id-authorize"),
    path("token", test_provider.token, name="test-id-token"),
    path("userinfo", test_provider.userinfo, name="test-id-userinfo"),
    path("jwks", test_provider.jwks, name="test-id-jwks"),
]
