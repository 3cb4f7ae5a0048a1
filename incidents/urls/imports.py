from django.urls import path

from incidents.views import imports

urlpatterns = [
    path("", imports.ImportRunListView.as_view(), name="import_run_list"),
    path("polisen/ny/", imports.PoliceImportCreateView.as_view(), name="import_police_create"),
    path("csv/ny/", imports.CsvImportCreateView.as_view(), name="import_csv_create"),
    path("<int:pk>/", imports.ImportRunDetailView.as_view(), name="import_run_detail"),
    path("<int:pk>/beslut/", imports.ImportRunDecideView.as_view(), name="import_run_decide"),
]
