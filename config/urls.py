from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import language_set
from config.media import media
from health.views import healthz

handler400 = "restapi.errors.bad_request"
handler403 = "restapi.errors.permission_denied"
handler404 = "restapi.errors.page_not_found"
handler500 = "restapi.errors.server_error"

urlpatterns = [
    # The API first (see api_urls: a vote surge); its prefix is its own, so the order
    # changes nothing else.
    path("api/v1/", include("config.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The notification centre and e-mail choices belong to the account, but to notify, which
    # accounts (a layer below) knows nothing of.
    path("account/notifications/", include("notify.urls")),
    path("account/", include("accounts.urls")),
    # Test-ID, the demo's and the tests' stand-in national e-ID (off in production).
    path("test-id/", include("accounts.eid.test_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a file (?script=), not inline, so the
    # docs work under the Content-Security-Policy without 'unsafe-inline' scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="ui/swagger_ui.html"), name="api-docs"),
    path("maps/", include("maps.urls")),
    path("ideas/", include("ideas.urls")),
    path("budgets/", include("budgets.urls")),
    path("dinners/", include("dinners.urls")),
    path("reports/", include("reports.urls")),
    path("", include("dashboard.urls")),
]
if settings.SERVE_MEDIA:
    # The embedded run mode has no reverse proxy for uploads (production: deploy/nginx.conf).
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", media, name="media"))
