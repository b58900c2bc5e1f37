from django.urls import path

from puhui.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.notices_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/<int:notice_id>/", views.notice_open, name="open"),
]
