from django.urls import path

from puhui.crowdfunding import views

app_name = "crowdfunding"
urlpatterns = [
    path("campaigns/", views.discover, name="discover"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/pledge/", views.campaign_pledge, name="pledge"),
    path("campaigns/<int:campaign_id>/risks/", views.campaign_risks, name="risks"),
    path("campaigns/<int:campaign_id>/submit/", views.campaign_submit, name="submit"),
    path("campaigns/<int:campaign_id>/cancel/", views.campaign_cancel, name="cancel"),
    path("campaigns/<int:campaign_id>/close-early/", views.campaign_close_early,
         name="close_early"),
    path("campaigns/<int:campaign_id>/review/", views.campaign_review, name="review"),
    path("campaigns/<int:campaign_id>/decision/", views.campaign_decision, name="decision"),
    path("campaigns/<int:campaign_id>/suspension/", views.campaign_suspend, name="suspend"),
    path("campaigns/<int:campaign_id>/ballot.json", views.campaign_ballot, name="ballot"),
    path("campaigns/<int:campaign_id>/cap-table.ocf.zip", views.cap_table_export,
         name="cap_table"),
    path("holdings/<int:holding_id>/certificate.pdf", views.holding_certificate,
         name="certificate"),
    path("campaigns/<int:campaign_id>/change/", views.campaign_change, name="change"),
    path("campaigns/<int:campaign_id>/milestones/<int:milestone_id>/evidence/",
         views.milestone_evidence, name="milestone_evidence"),
    path("campaigns/<int:campaign_id>/milestones/<int:milestone_id>/review/",
         views.milestone_review, name="milestone_review"),
    path("campaigns/<int:campaign_id>/milestones/<int:milestone_id>/decision/",
         views.milestone_decision, name="milestone_decision"),
    path("campaigns/<int:campaign_id>/milestones/<int:milestone_id>/vote/",
         views.milestone_vote, name="milestone_vote"),
    path("pledges/<pledge_id>/cancel/", views.pledge_cancel, name="pledge_cancel"),
    path("pledges/<pledge_id>/reconfirm/", views.pledge_reconfirm, name="pledge_reconfirm"),
    path("investor/pledges/", views.my_pledges, name="my_pledges"),
    path("issuer/campaigns/", views.issuer_campaigns, name="issuer"),
    path("operator/campaigns/", views.review_queue, name="review_queue"),
]
