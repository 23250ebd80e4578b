from django.urls import path

from .api import PlaceMatchView

# Under /api/v1/ (policestation/urls.py).
urlpatterns = [path("places/match/", PlaceMatchView.as_view(), name="place-match")]
