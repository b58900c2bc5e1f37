from django.urls import path

from puhui.custody import views

app_name = "custody"
urlpatterns = [path("wallet/", views.wallet, name="wallet")]
