from django.urls import include, path

from puhui.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("puhui.parties.urls")),
    path("", include("puhui.lending.urls")),
    path("", include("puhui.credit.urls")),
    path("", include("puhui.custody.urls")),
    path("", include("puhui.web.urls")),
]
