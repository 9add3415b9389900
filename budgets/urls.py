from django.urls import path, re_path

from . import map_views, setup_views, views, views_codes, views_projects

app_name = "budgets"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("<int:pk>/", views.process_detail, name="detail"),
    path("setup/", setup_views.setup_list, name="setup-list"),
    path("setup/new/", setup_views.setup_new, name="setup-new"),
    path("<int:pk>/setup/check/", setup_views.setup_check, name="setup-check"),
    path("<int:pk>/setup/<slug:step>/", setup_views.setup_step, name="setup"),
    # By the project's code (its number on the ballot and in exports), which may hold a "/".
    path("<int:pk>/projects/<path:code>/", views_projects.project_detail, name="project"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/map/", map_views.project_map, name="map"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/vote/code/", views.vote_with_code, name="vote-code"),
    path("<int:pk>/vote/district/<slug:district>/", views.vote, name="vote-district"),
    path("<int:pk>/vote/code/district/<slug:district>/", views.vote_with_code, name="vote-code-district"),
    path("<int:pk>/ballot-box/", views.ballot_box, name="ballot-box"),
    path("<int:pk>/ballot-box/prepare/", views.ballot_box_prepare, name="ballot-box-prepare"),
    path("<int:pk>/ballot-box/share/", views.ballot_box_share, name="ballot-box-share"),
    path("<int:pk>/ballot-box/open/", views.ballot_box_open, name="ballot-box-open"),
    path("<int:pk>/ballot-box/board.json", views.ballot_board, name="ballot-board"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/turnout/", views.turnout, name="turnout"),
    path("<int:pk>/codes/", views_codes.codes, name="codes"),
    path("<int:pk>/council/", views.council, name="council"),
    path("<int:pk>/paper/", views.paper_ballot_entry, name="paper"),
    path("<int:pk>/from-idea/", views.project_from_idea, name="from-idea"),
    path("<int:pk>/phase/", views.phase_change, name="phase"),
    path("<int:pk>/district-budgets/", views.district_budgets, name="district-budgets"),
    re_path(r"^(?P<pk>\d+)/result\.(?P<fmt>csv|xlsx)$", views.result_export, name="result-export"),
    path("<int:pk>/result.json", views.result_json, name="result-json"),
    path("result-key/", views.result_key, name="result-key"),
    path("projects/<int:pk>/review/", views.project_review, name="project-review"),
    path("projects/<int:pk>/progress/", views.progress, name="progress"),
    # Comments on a project: written on its page, reported here; moderated in the one queue
    # (ideas:moderate-item, budgets.comments.moderation).
    path("projects/<int:pk>/comment/", views_projects.comment_add, name="comment"),
    path("comments/<int:pk>/flag/", views_projects.comment_flag, name="flag-comment"),
]
