from django.conf import settings
from django.urls import include, path

from puhui.api import api
from puhui.web.views import language_set

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.PUHUI_ROLE in ("platform", "all"):
    urlpatterns += [
        path("", include("puhui.parties.urls")),
        path("", include("puhui.lending.urls")),
        path("", include("puhui.crowdfunding.urls")),
        path("", include("puhui.credit.urls")),
        path("", include("puhui.registry.member_urls")),
        path("", include("puhui.custody.urls")),
        path("", include("puhui.notifications.urls")),
        path("", include("puhui.web.urls")),
    ]
if settings.PUHUI_ROLE == "all":  # tests: the registry's pages beside the platform's
    urlpatterns += [path("registry/", include("puhui.registry.urls"))]
if settings.PUHUI_ROLE == "registry":  # the registry's own deployment
    from puhui.registry.signin_urls import parties_signin, web_signin

    urlpatterns += [
        path("", include(web_signin)),
        path("", include(parties_signin)),
        path("registry/", include("puhui.registry.urls")),
    ]
