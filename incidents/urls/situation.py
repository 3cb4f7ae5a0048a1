from django.urls import path

from incidents.views import situation

urlpatterns = [
    path("", situation.SituationPictureListView.as_view(), name="situationpicture_list"),
    path("ny/", situation.SituationPictureCreateView.as_view(), name="situationpicture_create"),
    path("<int:pk>/", situation.picture_detail, name="situationpicture_detail"),
    path("<int:pk>/redigera/", situation.picture_update, name="situationpicture_update"),
    path(
        "<int:pk>/underlag/",
        situation.picture_refresh_basis,
        name="situationpicture_refresh_basis",
    ),
    path("<int:pk>/signera/", situation.picture_sign, name="situationpicture_sign"),
    path("<int:pk>/pdf/", situation.picture_pdf, name="situationpicture_pdf"),
]
