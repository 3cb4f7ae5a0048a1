from rest_framework.routers import SimpleRouter

from areas.api import views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("intermediate-areas", views.IntermediateAreaViewSet, basename="intermediatearea")
router.register("primary-areas", views.PrimaryAreaViewSet, basename="primaryarea")
router.register("police-areas", views.PoliceAreaViewSet, basename="policearea")
router.register("places", views.PlaceViewSet, basename="place")
router.register("vulnerable-areas", views.VulnerableAreaViewSet, basename="vulnerablearea")

urlpatterns = router.urls
