from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("bureaus", views.BureauViewSet)
router.register("stations", views.StationViewSet)
router.register("posts", views.PostViewSet)
router.register("districts", views.PoliceDistrictViewSet)
router.register("communities", views.CommunityViewSet)
router.register("staff", views.StaffAssignmentViewSet)
router.register("appointments", views.CommunityAppointmentViewSet)
router.register("service-logs", views.ServiceLogViewSet)

urlpatterns = [
    path("places/", views.PlacesView.as_view(), name="places"),
    *router.urls,
]
