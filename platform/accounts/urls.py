from django.urls import path

from . import views

urlpatterns = [
    path("", views.profile, name="account-profile"),
    path("data.json", views.data_download, name="account-data"),
    path("delete/", views.delete_account, name="account-delete"),
    path("census/<slug:slug>/", views.census, name="account-census"),
]
