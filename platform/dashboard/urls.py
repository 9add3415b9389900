from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("m/<slug:slug>/", views.municipality_home, name="municipality-home"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
