from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("<slug:slug>/places/", views.place_search, name="place-search"),
]
