"""The Django admin site, for the site's operators (is_staff): signed in through allauth (so
with the second factor), and used only with a second factor (accounts.mfa)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import mfa


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and mfa.has_second_factor(request.user)

    def login(self, request, extra_context=None):
        """Never Django's own password form: allauth's sign-in asks for the second factor
        (allauth's `secure_admin_login`), and an operator without one is sent to set it up."""
        # Lazily: this module is loaded with INSTALLED_APPS (the admin's site class), before the
        # models that the middleware's module imports exist.
        from .middleware import SecondFactorMiddleware

        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = resolve_url("admin:index")
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(
                f"{resolve_url('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not mfa.has_second_factor(user):
            request.session[SecondFactorMiddleware.SESSION_KEY] = next_url
            messages.warning(request, mfa.SECOND_FACTOR_REQUIRED)
            return redirect("mfa_index")
        return HttpResponseRedirect(next_url)


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.admin_site.AdminSite"
