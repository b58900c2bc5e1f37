from django.urls import path

from puhui.lending import views

app_name = "lending"
urlpatterns = [
    path("loans/apply/", views.application_new, name="apply"),
    path("loans/applications/", views.applications, name="applications"),
    path("loans/applications/<int:application_id>/", views.application_detail,
         name="application"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan"),
    path("marketplace/", views.marketplace, name="marketplace"),
    path("listings/<int:listing_id>/", views.listing_detail, name="listing"),
    path("investor/portfolio/", views.portfolio, name="portfolio"),
    path("operator/overdue/", views.overdue_book, name="overdue"),
    path("loans/<int:loan_id>/collection/", views.collection_action, name="collection"),
]
