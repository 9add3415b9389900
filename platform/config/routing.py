"""Websocket routes, all under /ws/. Feature apps add their consumers here."""
from django.urls import path

from realtime.consumers import NotificationsConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi()),
]
