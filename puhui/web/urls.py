from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.generic import TemplateView

from puhui.parties import views as parties_views
from puhui.parties.forms import TERMS_VERSION
from puhui.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("terms/", TemplateView.as_view(template_name="web/terms.html",
                                        extra_context={"terms_version": TERMS_VERSION}),
         name="terms"),
    path("privacy/", TemplateView.as_view(template_name="web/privacy.html"), name="privacy"),
    path("login/", parties_views.sign_in, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("borrower/", views.borrower_home, name="borrower_home"),
    path("investor/", views.investor_home, name="investor_home"),
    path("operator/", views.operator_home, name="operator_home"),
    path("regulator/", views.regulator_home, name="regulator_home"),
]
