from django.urls import path

from puhui.registry import views

app_name = "registry"
urlpatterns = [path("", views.registry_home, name="home")]
