"""API tokens over the API: obtain one with e-mail and password (and a second factor where
the account has one), list and revoke one's own (restapi.tokens holds the rules)."""
from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mfa
from accounts import selectors as account_selectors

from . import tokens
from .authentication import TokenAuthentication
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label=_("E-mail address"))
    password = serializers.CharField(label=_("Password"), trim_whitespace=False, write_only=True, max_length=4096)
    code = serializers.CharField(
        label=_("Code"), required=False, allow_blank=True, write_only=True, max_length=64,
        help_text=_("For an account with two-factor authentication: a current code from the "
                    "authenticator app, or an unused recovery code."))
    name = serializers.CharField(label=_("Name"), required=False, allow_blank=True, max_length=80,
                                 help_text=_("What the token is for, so you can tell your tokens apart."))


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "created_at", "expires_at"]


class TooManyAttempts(exceptions.Throttled):
    default_detail = _("Too many sign-in attempts. Please try again later.")


def _authenticate(request, email: str, password: str):
    """The account for these credentials, or None. allauth's adapter applies the web login's
    per-address and per-account lockout first (a locked account costs no password hash)
    and checks the password in one of the process's slots (accounts.passwords)."""
    try:
        return get_adapter(request).authenticate(request, email=email, password=password)
    except DjangoValidationError as error:
        raise TooManyAttempts(detail=" ".join(error.messages), wait=60) from None


class ObtainTokenView(APIView):
    """Exchange e-mail and password for an API token (`Authorization: Token <token>`).

    Refused until the e-mail address is confirmed. The token is shown only in this answer;
    it expires (see `expires_at`) and is revoked by `DELETE /api/v1/auth/token/`."""

    authentication_classes = [TokenAuthentication]
    throttle_scope = "auth_token"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                            "expires_at": serializers.DateTimeField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = _authenticate(request._request, data["email"].lower(), data["password"])
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("The e-mail address or password is not correct.")]}, code="authorization")
        # An account with a second factor gets a token only with it, as it signs in only with it.
        if mfa.has_second_factor(user) and not mfa.code_is_valid(user, data.get("code", "")):
            raise exceptions.ValidationError(
                {"code": [_("Enter a current code from your authenticator app (or an unused recovery code).")]},
                code="authorization")
        if not account_selectors.email_confirmed(user):
            raise exceptions.PermissionDenied(
                _("Confirm your e-mail address first: open the link we sent you when you signed up "
                  "(you can ask for a new one on the sign-in page)."))
        token, row = tokens.issue(user, name=data.get("name", ""))
        response = Response({"token": token, "expires_at": row.expires_at}, status=status.HTTP_200_OK)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the token this request presents (signing out of the API)."""
        if not isinstance(request.auth, str):
            raise exceptions.ValidationError({"non_field_errors": [_("Send the token to revoke in the "
                                                                     "Authorization header.")]})
        tokens.revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """My API tokens (never the tokens themselves: only how each begins)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        return Response(TokenSerializer(tokens.active(request.user), many=True).data)

    @extend_schema(request=None, responses={204: None}, operation_id="auth_tokens_destroy_all")
    def delete(self, request):
        """Revoke all my tokens."""
        tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        if not tokens.revoke_by_id(request.user, pk):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
