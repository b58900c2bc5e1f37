"""The inbox and the choices per kind of notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from puhui.notifications import selectors, services
from puhui.notifications.kinds import notice_kinds

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "notices": [selectors.notice_shown(n) for n in page.object_list]})


@login_required
@require_GET
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Open a notice: it is read, and its page shown."""
    notice = services.notice_open(user=request.user, notice_id=notice_id)
    if notice is None:
        raise Http404
    safe = url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None)
    return redirect(notice.link if notice.link and safe else "notifications:inbox")


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_read(user=request.user)
    messages.success(request, _("Every notice is marked read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notice_preferences_set(user=request.user, chosen={
            kind.name: (f"{kind.name}:inbox" in request.POST, f"{kind.name}:email" in request.POST)
            for kind in notice_kinds()})
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html",
                  {"preferences": selectors.preferences_of(user=request.user)})
