from django.urls import path

from apps.core.actions import action_view

from . import actions, views
from .board import views as board_views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard, name="dashboard_xlsx"),
    path("compare/", views.compare, name="compare"),
    path("compare.xlsx", views.compare, name="compare_xlsx"),
    path("bulletin.pdf", views.bulletin, name="bulletin"),
    path("bulletin-ranking.xlsx", views.bulletin_ranking, name="bulletin_ranking"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/restart/", action_view(actions.RUN_RESTART), name="run_restart"),
    path("board/", board_views.board, name="board"),
]
