from rest_framework.routers import SimpleRouter

from .api import InnovationViewSet, ReportViewSet

router = SimpleRouter()
router.register("innovations", InnovationViewSet, basename="api-innovation")
router.register("reports", ReportViewSet, basename="api-report")

urlpatterns = router.urls
