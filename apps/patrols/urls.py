from django.urls import path

from apps.core.actions import action_view

from . import actions, tablet, views
from .assessment import views as assessment_views
from .findings import views as findings_views

app_name = "patrols"
urlpatterns = [
    path("", views.PatrolList.as_view(), name="patrol_list"),
    path("new/", views.patrol_create, name="patrol_create"),
    path("<int:pk>/", views.PatrolDetail.as_view(), name="patrol_detail"),
    path("<int:pk>/start/", action_view(actions.PATROL_START), name="patrol_start"),
    path("<int:pk>/finish/", action_view(actions.PATROL_FINISH), name="patrol_finish"),
    path("<int:pk>/cancel/", action_view(actions.PATROL_CANCEL), name="patrol_cancel"),
    path("<int:pk>/tablet/", tablet.patrol_tablet, name="patrol_tablet"),
    path("live/", tablet.live, name="live"),
    path("vehicles/", views.VehicleBoard.as_view(), name="vehicle_board"),
    path("vehicles/new/", views.VehicleCreate.as_view(), name="vehicle_create"),
    path("vehicles/<int:pk>/", views.VehicleDetail.as_view(), name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", views.VehicleUpdate.as_view(), name="vehicle_update"),
    path("tablet-sw.js", tablet.tablet_service_worker, name="tablet_sw"),
    path("findings/", findings_views.FindingList.as_view(), name="finding_list"),
    path("findings/<int:pk>/", findings_views.FindingDetail.as_view(), name="finding_detail"),
    path(
        "findings/<int:pk>/incident/",
        action_view(actions.FINDING_TO_INCIDENT),
        name="finding_to_incident",
    ),
    path(
        "findings/<int:pk>/dispute/",
        action_view(actions.FINDING_TO_DISPUTE),
        name="finding_to_dispute",
    ),
    path("findings/<int:pk>/handle/", action_view(actions.FINDING_HANDLE), name="finding_handle"),
    path("findings/<int:pk>/photo/", findings_views.finding_photo, name="finding_photo"),
    path("video/", findings_views.video_list, name="video_list"),
    path("assessment/", assessment_views.assessment_month, name="assessment"),
    path("assessment.xlsx", assessment_views.assessment_month_xlsx, name="assessment_xlsx"),
    path("assessment/quarter/", assessment_views.assessment_quarter, name="assessment_quarter"),
    path(
        "assessment/quarter.pdf",
        assessment_views.assessment_quarter_pdf,
        name="assessment_quarter_pdf",
    ),
    path(
        "assessment/quarter.xlsx",
        assessment_views.assessment_quarter_xlsx,
        name="assessment_quarter_xlsx",
    ),
    path("assessment/half-year/", assessment_views.assessment_half, name="assessment_half"),
    path(
        "assessment/recompute/",
        assessment_views.assessment_recompute,
        name="assessment_recompute",
    ),
    path("assessment/progress/", assessment_views.assessment_progress, name="assessment_progress"),
]
