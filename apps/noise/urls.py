from django.urls import path

from . import views

app_name = "noise"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event_detail"),
    path("events/<int:pk>/incident/", views.event_to_incident, name="event_to_incident"),
]
