from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("disputes", views.DisputeViewSet)
router.register("mediators", views.MediatorViewSet)
router.register("mediation-sessions", views.MediationSessionViewSet)
router.register("follow-ups", views.FollowUpViewSet)
router.register("lawyer-slots", views.LawyerSlotViewSet)

urlpatterns = router.urls
