from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("permit-applications", views.PermitApplicationViewSet)
router.register("residence-certificates", views.ResidenceCertificateViewSet)
router.register("residence-permits", views.ResidencePermitViewSet)
router.register("enterprise-registrations", views.EnterpriseRegistrationViewSet)

urlpatterns = router.urls
