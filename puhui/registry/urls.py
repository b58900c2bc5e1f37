from django.urls import path

from puhui.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.registry_home, name="home"),
    path("members/", views.members, name="members"),
    path("disputes/", views.disputes, name="disputes"),
]
