from django.urls import path

from . import board, views

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats-series"),
    path("board/", board.BoardView.as_view(), name="board"),
]
