from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("eid/", include([
        re_path(r"^(?P<provider_id>[-a-z0-9_]+)/", include([
            path("login/", views.login, name="eid_login"),
            path("login/callback/", views.callback, name="eid_callback"),
        ])),
    ])),
]
