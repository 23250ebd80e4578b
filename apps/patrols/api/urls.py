from rest_framework.routers import SimpleRouter

from . import assessments, views
from .findings import FindingViewSet, VideoPatrolViewSet

router = SimpleRouter()
router.register("patrols", views.PatrolViewSet)
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("patrol-findings", FindingViewSet, basename="patrol-finding")
router.register("video-patrols", VideoPatrolViewSet, basename="video-patrol")
router.register("assessments", assessments.AssessmentScoreViewSet, basename="assessment")

urlpatterns = [*router.urls]
