from django.urls import path

from . import views

app_name = "dinners"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="programme-new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("<int:pk>/picture/", views.programme_picture, name="programme-picture"),
    path("<int:pk>/host/", views.host, name="host"),
    path("<int:pk>/any/", views.any_dinner, name="any"),
    path("<int:pk>/staff/", views.overview, name="overview"),
    path("<int:pk>/staff.csv", views.overview_csv, name="overview-csv"),
    path("dinner/<int:pk>/", views.dinner_detail, name="dinner"),
    path("dinner/<int:pk>/book/", views.book, name="book"),
    path("dinner/<int:pk>/edit/", views.dinner_edit, name="edit"),
    path("dinner/<int:pk>/cancel/", views.dinner_cancel, name="cancel"),
    path("dinner/<int:pk>/decide/", views.dinner_decide, name="decide"),
    path("dinner/<int:pk>/reporter/", views.reporter_set, name="reporter"),
    path("dinner/<int:pk>/report/", views.report, name="report"),
    path("dinner/<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("seats/<int:pk>/cancel/", views.seat_cancel, name="seat-cancel"),
    path("invite/<str:token>/", views.invite, name="invite"),
]
