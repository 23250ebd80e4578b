from django.urls import path

from apps.core.actions import action_view

from . import actions, views

app_name = "mediation"
urlpatterns = [
    path("", views.DisputeList.as_view(), name="dispute_list"),
    path("new/", views.dispute_create, name="dispute_create"),
    path("board/", views.board, name="board"),
    path("overdue/", views.overdue, name="overdue"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("<int:pk>/", views.DisputeDetail.as_view(), name="dispute_detail"),
    path("<int:pk>/thread/", views.thread, name="thread"),
    path("<int:pk>/<slug:name>/", action_view(actions.DISPUTE_STEPS), name="dispute_action"),
    path("messages/<int:pk>/file/", views.message_file, name="message_file"),
    path("join/<int:pk>/<str:token>/", views.join, name="join"),
    path("join/<int:pk>/<str:token>/thread/", views.join_thread, name="join_thread"),
    path("join/<int:pk>/<str:token>/files/<int:message>/", views.join_file, name="join_file"),
    path("agreements/<int:pk>/pdf/", views.agreement_print, name="agreement_pdf"),
    path("agreements/<int:pk>/scan/", views.agreement_scan, name="agreement_scan"),
    path("mediators/", views.MediatorList.as_view(), name="mediator_list"),
    path("mediators/<int:pk>/", views.MediatorDetail.as_view(), name="mediator_detail"),
    path("slots/", views.slots, name="slots"),
    path("slots/<int:pk>/book/", action_view(actions.SLOT_BOOK_PAGE), name="slot_book"),
]
