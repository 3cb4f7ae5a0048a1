from rest_framework.routers import SimpleRouter

from plans.api import views

router = SimpleRouter()
router.register("problems", views.ProblemViewSet, basename="problem")
router.register("action-plans", views.ActionPlanViewSet, basename="actionplan")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("follow-ups", views.FollowUpViewSet, basename="followup")

urlpatterns = router.urls
