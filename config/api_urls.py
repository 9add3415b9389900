"""Everything under /api/v1/. Feature apps add their routers here."""
from django.urls import include, path

from accounts.api import MeView
from restapi.token_views import ObtainTokenView, TokenDetailView, TokenListView

urlpatterns = [
    # Budgets first: a vote surge is the API's busiest moment, and every include tried
    # before the one that matches costs the resolver its list of tried patterns. The apps'
    # prefixes are disjoint, so the order changes nothing else.
    path("", include("budgets.api_urls")),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("notify.api_urls")),
    path("", include("ideas.api_urls")),
    path("", include("dinners.api_urls")),
    path("", include("reports.api_urls")),
]
