from django.urls import path

from puhui.registry import member_views

app_name = "member"
urlpatterns = [
    path("borrower/credit-report/", member_views.my_credit_report, name="my_credit_report"),
]
