from django.urls import path

from .api import NotificationListView, NotificationReadView, NotificationsReadView

urlpatterns = [
    path("me/notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("me/notifications/read/", NotificationsReadView.as_view(), name="api-notifications-read"),
    path("me/notifications/<int:pk>/read/", NotificationReadView.as_view(), name="api-notification-read"),
]
