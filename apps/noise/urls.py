from django.urls import path

from apps.core.actions import action_view

from . import actions, views

app_name = "noise"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event_detail"),
    path(
        "events/<int:pk>/incident/",
        action_view(actions.EVENT_TO_INCIDENT),
        name="event_to_incident",
    ),
]
