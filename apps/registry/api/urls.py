from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("addresses", views.AddressViewSet)
router.register("persons", views.PersonViewSet)
router.register("housing", views.HousingViewSet)
router.register("residences", views.ResidenceViewSet)
router.register("units", views.UnitViewSet)
router.register("hotel-stays", views.HotelStayViewSet)
router.register("focus-records", views.FocusRecordViewSet)
router.register("hub/saved-queries", views.SavedQueryViewSet)
router.register("hub", views.HubViewSet, basename="hub")

urlpatterns = router.urls
