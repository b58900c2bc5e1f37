from django.contrib.auth.views import LogoutView
from django.urls import path

from puhui.parties import views as parties_views
from puhui.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", parties_views.sign_in, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("borrower/", views.borrower_home, name="borrower_home"),
    path("investor/", views.investor_home, name="investor_home"),
    path("operator/", views.operator_home, name="operator_home"),
    path("regulator/", views.regulator_home, name="regulator_home"),
]
