from restapi.routers import Router

from .api import DinnerViewSet, ProgrammeViewSet, SeatViewSet

router = Router()
router.register("dinners/programmes", ProgrammeViewSet, basename="api-dinner-programme")
router.register("dinners/dinners", DinnerViewSet, basename="api-dinner")
router.register("dinners/seats", SeatViewSet, basename="api-dinner-seat")
urlpatterns = router.urls
