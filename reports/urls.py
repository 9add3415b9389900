from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("m/<slug:slug>/", views.dashboard, name="dashboard"),
    path("m/<slug:slug>/chart/<str:name>.<str:fmt>", views.chart, name="chart"),
    path("m/<slug:slug>/table/<str:name>.<str:fmt>", views.table, name="table"),
    path("m/<slug:slug>/innovations/", views.innovations, name="innovations"),
    path("m/<slug:slug>/innovations/export.csv", views.innovations_export, name="innovations-export"),
    path("m/<slug:slug>/innovations/new/", views.innovation_edit, name="innovation-new"),
    path("m/<slug:slug>/innovations/<int:pk>/", views.innovation_edit, name="innovation-edit"),
    path("innovations/<int:pk>/cocreation/", views.cocreation, name="cocreation"),
    path("innovations/<int:pk>/cocreation.<str:fmt>", views.cocreation_chart, name="cocreation-chart"),
    path("cocreation/<str:token>/", views.answer, name="answer"),
    path("cocreation/<str:token>/profile/", views.answer_profile, name="answer-profile"),
]
