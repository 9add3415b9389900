from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("m/<slug:slug>/", views.municipality_home, name="municipality-home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("staff/", views.staff_home_index, name="staff-home-index"),
    path("staff/m/<slug:slug>/", views.staff_home, name="staff-home"),
]
