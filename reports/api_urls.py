from restapi.routers import Router

from .api import InnovationViewSet, ReportViewSet

router = Router()
router.register("innovations", InnovationViewSet, basename="api-innovation")
router.register("reports", ReportViewSet, basename="api-report")

urlpatterns = router.urls
