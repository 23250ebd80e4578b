from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("noise/sensors", views.NoiseSensorViewSet)
router.register("noise/events", views.NoiseEventViewSet)

urlpatterns = [
    path("noise/readings/", views.ReadingsView.as_view(), name="noise-readings"),
    *router.urls,
]
