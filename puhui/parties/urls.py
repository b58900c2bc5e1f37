from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from puhui.parties import views

app_name = "parties"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/totp/", views.totp, name="totp"),
    path("account/", views.account, name="account"),
    path("account/security/", views.security, name="security"),
    path("borrower/enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:enterprise_id>/documents/<int:document_id>/", views.licence_document,
         name="licence_document"),
    path("investor/kyc/", views.investor_kyc, name="investor_kyc"),
    path("operator/reviews/", views.review_queue, name="reviews"),
    path("operator/reviews/<int:review_id>/", views.review_detail, name="review"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        success_url=reverse_lazy("parties:password_reset_done")), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("parties:password_reset_complete")),
        name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
