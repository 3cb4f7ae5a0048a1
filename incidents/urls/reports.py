from django.urls import path

from incidents.views import reports

urlpatterns = [
    path("", reports.report_list, name="report_list"),
    path("export.csv", reports.report_export, name="report_export"),
    path("karta/", reports.report_map, name="report_map"),
    path("ny/", reports.ReportCreateView.as_view(), name="report_create"),
    path("mina/", reports.my_reports, name="my_reports"),
    path("<int:pk>/", reports.report_detail, name="report_detail"),
    path("<int:pk>/status/", reports.report_status_change, name="report_status_change"),
    path(
        "<int:pk>/placering/",
        reports.report_placement_correct,
        name="report_placement_correct",
    ),
    path("<int:pk>/kategori/", reports.report_category_correct, name="report_category_correct"),
]
