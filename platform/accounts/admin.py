from allauth.mfa.admin import AuthenticatorAdmin as _AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import District, Membership, Municipality, User


class DistrictInline(admin.TabularInline):
    model = District
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "default_language"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DistrictInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "country", "default_language")}),
        (_("Maps"), {"fields": ("map_tiles_url", "map_tiles_attribution", "map_latitude", "map_longitude",
                                 "map_zoom", "map_geocoder", "map_geocoder_area")}),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "municipality", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "municipality"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "preferred_language", "birth_year",
                                    "municipality", "district")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


# Operators remove a second factor a person has lost (after confirming who they are), so
# the person can set up a new one; they never see or change its secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(_AllauthAuthenticatorAdmin):
    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
