from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/", views.notice_open, name="open"),
    path("read/", views.mark_all_read, name="read"),
    path("email/", views.choices, name="choices"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
