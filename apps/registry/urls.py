from django.urls import path

from apps.core.actions import action_view

from . import actions, views

app_name = "registry"
urlpatterns = [
    path("addresses/", views.AddressList.as_view(), name="address_list"),
    path("addresses/new/", views.AddressCreate.as_view(), name="address_create"),
    path("addresses/<int:pk>/", views.AddressDetail.as_view(), name="address_detail"),
    path("addresses/<int:pk>/edit/", views.AddressUpdate.as_view(), name="address_update"),
    path("persons/", views.PersonSieve.as_view(), name="person_list"),
    path("persons/save-query/", views.saved_query_create, name="savedquery_create"),
    path("hub/collision/", views.collision, name="hub_collision"),
    path("hub/comparison/", views.comparison, name="hub_comparison"),
    path("hub/classification/", views.classification, name="hub_classification"),
    path("persons/new/", views.PersonCreate.as_view(), name="person_create"),
    path("persons/register/", views.resident_register, name="resident_register"),
    path("persons/caller-lookup/", views.caller_lookup, name="caller_lookup"),
    path("addresses/options/", views.address_options, name="address_options"),
    path("persons/<int:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonUpdate.as_view(), name="person_update"),
    path(
        "persons/<int:pk>/reveal/<str:field>/", views.PersonReveal.as_view(), name="person_reveal"
    ),
    path("housing/", views.HousingList.as_view(), name="housing_list"),
    path("housing/new/", views.HousingCreate.as_view(), name="housing_create"),
    path("housing/<int:pk>/", views.HousingDetail.as_view(), name="housing_detail"),
    path("housing/<int:pk>/edit/", views.HousingUpdate.as_view(), name="housing_update"),
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/new/", views.UnitCreate.as_view(), name="unit_create"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitUpdate.as_view(), name="unit_update"),
    path("units/<int:pk>/reveal/<str:field>/", views.UnitReveal.as_view(), name="unit_reveal"),
    path("hotel-stays/", views.HotelStayList.as_view(), name="hotelstay_list"),
    path("imports/", views.ImportList.as_view(), name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<int:pk>/", views.ImportDetail.as_view(), name="import_detail"),
    path("imports/<int:pk>/commit/", action_view(actions.IMPORT_COMMIT), name="import_commit"),
]
