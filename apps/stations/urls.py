from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("bureaus/", views.BureauList.as_view(), name="bureau_list"),
    path("bureaus/<int:pk>/", views.BureauDetail.as_view(), name="bureau_detail"),
    path("stations/", views.StationList.as_view(), name="station_list"),
    path("stations/<int:pk>/", views.StationDetail.as_view(), name="station_detail"),
    path("stations/<int:pk>/edit/", views.StationUpdate.as_view(), name="station_update"),
    path("posts/", views.PostList.as_view(), name="post_list"),
    path("posts/new/", views.PostCreate.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.PostDetail.as_view(), name="post_detail"),
    path("posts/<int:pk>/edit/", views.PostUpdate.as_view(), name="post_update"),
    path("districts/", views.PoliceDistrictList.as_view(), name="district_list"),
    path("districts/new/", views.PoliceDistrictCreate.as_view(), name="district_create"),
    path("districts/<int:pk>/", views.PoliceDistrictDetail.as_view(), name="district_detail"),
    path("districts/<int:pk>/edit/", views.PoliceDistrictUpdate.as_view(), name="district_update"),
    path("communities/", views.CommunityList.as_view(), name="community_list"),
    path("communities/new/", views.CommunityCreate.as_view(), name="community_create"),
    path("communities/<int:pk>/", views.CommunityDetail.as_view(), name="community_detail"),
    path("communities/<int:pk>/edit/", views.CommunityUpdate.as_view(), name="community_update"),
    path("staff/", views.StaffAssignmentList.as_view(), name="staff_list"),
    path("staff/new/", views.StaffAssignmentCreate.as_view(), name="staff_create"),
    path("staff/<int:pk>/", views.StaffAssignmentDetail.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views.StaffAssignmentUpdate.as_view(), name="staff_update"),
    path(
        "staff/<int:pk>/reveal/<str:field>/", views.StaffPhoneReveal.as_view(), name="staff_reveal"
    ),
    path("service-window/", views.ServiceLogList.as_view(), name="servicelog_list"),
    path("service-window/record/", views.service_log_create, name="servicelog_create"),
]
