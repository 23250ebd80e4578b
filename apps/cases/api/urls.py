from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("incident-categories", views.IncidentCategoryViewSet)
router.register("incidents", views.IncidentViewSet)
router.register("duty-shifts", views.DutyShiftViewSet)
router.register("cases", views.CaseViewSet)

urlpatterns = [
    path("incoming-calls/", views.IncomingCallView.as_view(), name="incoming-call"),
    *router.urls,
]
