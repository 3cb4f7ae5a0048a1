from django.urls import path

from plans.views import evaluation, measures, plans, priority, problems, public

app_name = "plans"

urlpatterns = [
    path("problem/", problems.problem_list_view, name="problem_list"),
    path("problem/ny/", problems.problem_create_view, name="problem_create"),
    path("problem/koppla/", problems.problem_link_reports_view, name="problem_link_reports"),
    path("problem/<int:pk>/", problems.problem_detail, name="problem_detail"),
    path("problem/<int:pk>/redigera/", problems.problem_update_view, name="problem_update"),
    path("problem/<int:pk>/orsaksanalys/", problems.problem_analysis_view, name="problem_analysis"),
    path(
        "problem/<int:pk>/rapporter/<int:report_pk>/ta-bort/",
        problems.problem_unlink_report_view,
        name="problem_unlink_report",
    ),
    path("prioritering/", priority.priority_review_index, name="priority_review_index"),
    path("prioritering/boendes-oro/", priority.resident_concern_view, name="resident_concern"),
    path("prioritering/<slug:district>/", priority.priority_review, name="priority_review"),
    path(
        "prioritering/<slug:district>/beslut/<int:problem_pk>/",
        priority.priority_decide,
        name="priority_decide",
    ),
    path("planer/", plans.plan_list_view, name="plan_list"),
    path("planer/ny/", plans.plan_create_view, name="plan_create"),
    path("planer/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/redigera/", plans.plan_update_view, name="plan_update"),
    path("planer/<int:pk>/signera/", plans.plan_sign_view, name="plan_sign"),
    path("planer/<int:pk>/status/", plans.plan_status_view, name="plan_status"),
    path(
        "planer/<int:pk>/revisioner/<int:number>/",
        plans.plan_revision_view,
        name="plan_revision",
    ),
    path("planer/<int:pk>/pdf/", plans.plan_pdf, name="plan_pdf"),
    path("planer/<int:pk>/atgarder.csv", plans.plan_csv, name="plan_csv"),
    path("planer/<int:pk>/atgarder/ny/", measures.measure_create_view, name="measure_create"),
    path("planer/atgarder/<int:pk>/", measures.measure_detail, name="measure_detail"),
    path("planer/atgarder/<int:pk>/redigera/", measures.measure_update_view, name="measure_update"),
    path("planer/atgarder/<int:pk>/ta-bort/", measures.measure_delete_view, name="measure_delete"),
    path(
        "planer/atgarder/<int:pk>/utvardering/",
        evaluation.evaluation_design_update_view,
        name="evaluation_design_update",
    ),
    path(
        "planer/atgarder/<int:pk>/uppfoljning/",
        measures.follow_up_create_view,
        name="follow_up_create",
    ),
    path("medborgarloften/", public.public_index, name="public_index"),
    path("medborgarloften/<slug:district>/", public.public_district, name="public_district"),
]
