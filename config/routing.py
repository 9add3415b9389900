"""Websocket routes, all under /ws/. Feature apps add their consumers here."""
from django.urls import path

from budgets.consumers import ProjectConsumer, TurnoutConsumer
from dinners.consumers import ProgrammeSeatsConsumer
from ideas.consumers import CampaignConsumer, IdeaConsumer, ModerationQueueConsumer
from realtime.consumers import NotificationsConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi()),
    path("ws/ideas/<int:pk>/", IdeaConsumer.as_asgi()),
    path("ws/campaigns/<int:pk>/", CampaignConsumer.as_asgi()),
    path("ws/moderation/<int:pk>/", ModerationQueueConsumer.as_asgi()),
    path("ws/budgets/<int:pk>/turnout/", TurnoutConsumer.as_asgi()),
    path("ws/budgets/projects/<int:pk>/", ProjectConsumer.as_asgi()),
    path("ws/dinners/<int:pk>/", ProgrammeSeatsConsumer.as_asgi()),
]
