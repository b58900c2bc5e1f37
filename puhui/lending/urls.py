from django.urls import path

from puhui.lending import views

app_name = "lending"
urlpatterns = [
    path("loans/apply/", views.application_new, name="apply"),
    path("loans/applications/", views.applications, name="applications"),
    path("loans/applications/<int:application_id>/", views.application_detail,
         name="application"),
    path("loans/applications/<int:application_id>/review/", views.application_review,
         name="application_review"),
    path("loans/applications/<int:application_id>/decision/", views.application_decision,
         name="application_decision"),
    path("loans/applications/<int:application_id>/publish/", views.application_publish,
         name="application_publish"),
    path("loans/applications/<int:application_id>/withdraw/", views.application_withdraw,
         name="application_withdraw"),
    path("loans/applications/<int:application_id>/registry-refresh/",
         views.application_registry_refresh, name="application_registry_refresh"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan"),
    path("loans/<int:loan_id>/contract/", views.loan_contract, name="loan_contract"),
    path("loans/<int:loan_id>/repay/", views.loan_repay, name="loan_repay"),
    path("loans/<int:loan_id>/recovery/", views.loan_recovery, name="loan_recovery"),
    path("loans/<int:loan_id>/write-off/", views.loan_write_off, name="loan_write_off"),
    path("marketplace/", views.marketplace, name="marketplace"),
    path("listings/<int:listing_id>/", views.listing_detail, name="listing"),
    path("listings/<int:listing_id>/bid/", views.listing_bid, name="listing_bid"),
    path("listings/<int:listing_id>/close/", views.listing_close, name="listing_close"),
    path("bids/<bid_id>/cancel/", views.bid_cancel, name="bid_cancel"),
    path("investor/portfolio/", views.portfolio, name="portfolio"),
    path("operator/loans/", views.loans_book, name="loans_book"),
    path("operator/overdue/", views.overdue_book, name="overdue"),
    path("operator/close-of-business/", views.close_of_business, name="close_of_business"),
]
