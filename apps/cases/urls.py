from django.urls import path

from apps.core.actions import action_view

from . import actions, views

app_name = "cases"
urlpatterns = [
    path("incidents/", views.IncidentList.as_view(), name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("calls/ringing/", views.ringing, name="ringing"),
    path("calls/<int:pk>/reveal/<str:field>/", views.CallReveal.as_view(), name="call_reveal"),
    path("incidents/suggest/", views.incident_suggest, name="incident_suggest"),
    path("incidents/repeat-callers/", views.repeat_callers, name="repeat_callers"),
    path("incidents/<int:pk>/", views.IncidentDetail.as_view(), name="incident_detail"),
    path(
        "incidents/<int:pk>/dispatch/",
        action_view(actions.INCIDENT_DISPATCH),
        name="incident_dispatch",
    ),
    path("incidents/<int:pk>/take/", action_view(actions.INCIDENT_TAKE), name="incident_take"),
    path(
        "incidents/<int:pk>/status/", action_view(actions.INCIDENT_STATUS), name="incident_status"
    ),
    path(
        "incidents/<int:pk>/checklist/",
        action_view(actions.INCIDENT_CHECKLIST),
        name="incident_checklist",
    ),
    path("incidents/<int:pk>/close/", action_view(actions.INCIDENT_CLOSE), name="incident_close"),
    path("incidents/<int:pk>/note/", action_view(actions.INCIDENT_NOTE), name="incident_note"),
    path(
        "incidents/<int:pk>/attach/", action_view(actions.INCIDENT_ATTACH), name="incident_attach"
    ),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("board/", views.board, name="board"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("", views.CaseList.as_view(), name="case_list"),
    path("new/", views.CaseCreate.as_view(), name="case_create"),
    path("overdue/", views.overdue, name="overdue"),
    path("<int:pk>/", views.CaseDetail.as_view(), name="case_detail"),
    path("<int:pk>/transition/", action_view(actions.CASE_TRANSITION), name="case_transition"),
    path("<int:pk>/extend/", action_view(actions.CASE_EXTEND), name="case_extend"),
    path(
        "<int:pk>/extend/decide/",
        action_view(actions.CASE_DECIDE_EXTENSION),
        name="case_extension_decide",
    ),
    path("<int:pk>/suspensions/", action_view(actions.CASE_SUSPENSION), name="case_suspension"),
    path(
        "<int:pk>/suspensions/end/",
        action_view(actions.CASE_SUSPENSION_END),
        name="case_suspension_end",
    ),
    path("<int:pk>/injury/", action_view(actions.CASE_INJURY), name="case_injury"),
    path(
        "<int:pk>/reconsideration/",
        action_view(actions.CASE_RECONSIDERATION),
        name="case_reconsideration",
    ),
    path(
        "<int:pk>/reconsideration/decide/",
        action_view(actions.CASE_DECIDE_RECONSIDERATION),
        name="case_reconsideration_decide",
    ),
    path(
        "<int:pk>/not-filed-notice.pdf", views.case_not_filed_notice, name="case_not_filed_notice"
    ),
    path("<int:pk>/parties/", action_view(actions.CASE_PARTY), name="case_party"),
    path("<int:pk>/evidence/", action_view(actions.CASE_EVIDENCE), name="case_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("roster/", views.roster, name="roster"),
    path("roster/generate/", views.roster_generate, name="roster_generate"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/shifts/", views.DutyShiftList.as_view(), name="shift_list"),
    path("roster/shifts/new/", views.DutyShiftCreate.as_view(), name="shift_create"),
    path("roster/shifts/<int:pk>/edit/", views.DutyShiftUpdate.as_view(), name="shift_update"),
]
