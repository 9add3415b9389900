from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label=_("E-mail address"))
    password = serializers.CharField(label=_("Password"), trim_whitespace=False, write_only=True)
    code = serializers.CharField(
        label=_("Code"), required=False, allow_blank=True, write_only=True, max_length=64,
        help_text=_("For an account with two-factor authentication: a current code from the "
                    "authenticator app, or an unused recovery code."))

    def validate(self, attrs):
        user = authenticate(
            self.context["request"], email=attrs["email"].lower(), password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("The e-mail address or password is not correct.")]},
                code="authorization",
            )
        # An account with a second factor gets a token only with it, as it signs in only with it.
        from accounts import mfa

        if mfa.has_second_factor(user) and not mfa.code_is_valid(user, attrs.get("code", "")):
            raise serializers.ValidationError(
                {"code": [_("Enter a current code from your authenticator app (or an unused recovery code).")]},
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class ObtainTokenView(APIView):
    """Exchange e-mail and password for an API token (`Authorization: Token <token>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
