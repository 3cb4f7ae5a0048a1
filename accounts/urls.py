from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.second_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("second-factor/verify/", views.second_factor_verify_view, name="second_factor_verify"),
    path("second-factor/enrol/", views.second_factor_enrol_view, name="second_factor_enrol"),
]
