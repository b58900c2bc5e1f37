from django.urls import path

from puhui.credit import views

app_name = "credit"
urlpatterns = [
    path("operator/credit/", views.credit_models, name="models"),
    path("operator/credit/flags/", views.credit_flags, name="flags"),
]
