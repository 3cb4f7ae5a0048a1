from rest_framework.routers import SimpleRouter

from incidents.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("situation-pictures", views.SituationPictureViewSet, basename="situationpicture")

urlpatterns = router.urls
