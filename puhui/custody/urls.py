from django.urls import path

from puhui.custody import views

app_name = "custody"
urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/statement/", views.statement, name="statement"),
    path("wallet/deposit/", views.deposit, name="deposit"),
    path("wallet/withdraw/", views.withdraw, name="withdraw"),
    path("operator/reconcile/", views.reconcile, name="reconcile"),
]
