from rest_framework.routers import SimpleRouter

from .api import DinnerViewSet, ProgrammeViewSet, SeatViewSet

router = SimpleRouter()
router.register("dinners/programmes", ProgrammeViewSet, basename="api-dinner-programme")
router.register("dinners/dinners", DinnerViewSet, basename="api-dinner")
router.register("dinners/seats", SeatViewSet, basename="api-dinner-seat")
urlpatterns = router.urls
