"""Sign-in on the registry's deployment: the platform's own sign-in, second factor, account
(time zone), security and password-reset views under their usual names, and nothing else of the
platform (no registration, no role homes); the home is the registry's page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LogoutView
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from puhui.parties import views as parties_views

web_signin = ([
    path("", RedirectView.as_view(pattern_name="registry:home"), name="home"),
    path("login/", parties_views.sign_in, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
], "web")

parties_signin = ([
    path("login/totp/", parties_views.totp, name="totp"),
    path("account/", parties_views.account, name="account"),
    path("account/security/", parties_views.security, name="security"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        success_url=reverse_lazy("parties:password_reset_done")), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("parties:password_reset_complete")),
        name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
], "parties")
