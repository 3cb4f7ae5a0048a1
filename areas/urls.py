from django.urls import path

from areas import views

app_name = "areas"

urlpatterns = [
    path("grundkarta.json", views.basemap_json, name="basemap"),
]
