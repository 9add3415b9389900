"""Everything under /api/v1/. Feature apps add their routers here."""
from django.urls import include, path

from accounts.api import MeView
from restapi.auth import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("ideas.api_urls")),
    path("", include("budgets.api_urls")),
    path("", include("dinners.api_urls")),
    path("", include("reports.api_urls")),
]
