from django.urls import path

from restapi.routers import Router

from .api import CampaignViewSet, IdeaViewSet, ModerationActionView, ModerationQueueView

router = Router()
router.register("campaigns", CampaignViewSet, basename="api-campaign")
router.register("ideas", IdeaViewSet, basename="api-idea")

urlpatterns = [
    path("moderation/queue/", ModerationQueueView.as_view(), name="api-moderation-queue"),
    path("moderation/<str:kind>/<int:pk>/", ModerationActionView.as_view(), name="api-moderation-action"),
    *router.urls,
]
