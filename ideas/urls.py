from django.urls import path

from . import map_views, views

app_name = "ideas"
urlpatterns = [
    path("", views.idea_list, name="list"),
    path("map/", map_views.idea_map, name="map"),
    path("new/", views.idea_submit, name="submit"),
    path("similar/", views.similar_ideas, name="similar"),
    path("moderation/", views.moderation_queue, name="moderation"),
    # Other apps' items in the queue (ideas.moderation_sources), by their source's path.
    path("moderation/<slug:path>/<int:pk>/", views.moderate_item, name="moderate-item"),
    path("staff/new/", views.idea_enter_for_citizen, name="enter-for-citizen"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    # Staff pages, per municipality: campaigns with their frame, moderation settings.
    path("staff/m/<slug:slug>/campaigns/", views.staff_campaigns, name="staff-campaigns"),
    path("staff/m/<slug:slug>/campaigns/new/", views.campaign_edit, name="campaign-new"),
    path("staff/campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("staff/campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("staff/m/<slug:slug>/settings/", views.moderation_settings, name="settings"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/support/", views.idea_support, name="support"),
    path("<int:pk>/follow/", views.idea_follow, name="follow"),
    path("<int:pk>/comment/", views.comment_add, name="comment"),
    path("<int:pk>/flag/", views.flag, {"kind": "idea"}, name="flag"),
    path("comments/<int:pk>/flag/", views.flag, {"kind": "comment"}, name="flag-comment"),
    path("<int:pk>/moderate/", views.moderate, {"kind": "idea"}, name="moderate"),
    path("comments/<int:pk>/moderate/", views.moderate, {"kind": "comment"}, name="moderate-comment"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/roles/", views.roles_record, name="roles"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
