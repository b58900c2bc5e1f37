from django.conf import settings
from django.urls import include, path

from puhui.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.PUHUI_ROLE in ("platform", "all"):
    urlpatterns += [
        path("", include("puhui.parties.urls")),
        path("", include("puhui.lending.urls")),
        path("", include("puhui.credit.urls")),
        path("", include("puhui.registry.member_urls")),
        path("", include("puhui.custody.urls")),
        path("", include("puhui.web.urls")),
    ]
else:  # the registry's own deployment
    urlpatterns += [path("", include("puhui.registry.urls"))]
