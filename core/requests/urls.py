"""API routes of requests for help, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api
from .statistics_api import StatisticsApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/", api.RequestListApi.as_view(), name="request-list"),
    path("requests/feed", api.RequestFeedApi.as_view(), name="request-feed"),
    path("requests/policy", api.RequestPolicyApi.as_view(), name="request-policy"),
    path("requests/<uuid:request_id>", api.RequestDetailApi.as_view(), name="request-detail"),
    path("requests/<uuid:request_id>/contact", api.RequestContactApi.as_view(), name="request-contact"),
    path("requests/<uuid:request_id>/cancel", api.RequestCancelApi.as_view(), name="request-cancel"),
    path("requests/<uuid:request_id>/complete", api.RequestCompleteApi.as_view(), name="request-complete"),
    path("requests/<uuid:request_id>/thank", api.RequestThankApi.as_view(), name="request-thank"),
    path("requests/<uuid:request_id>/offers", api.RequestOffersApi.as_view(), name="request-offers"),
    path("requests/<uuid:request_id>/questions", api.RequestQuestionApi.as_view(), name="request-question"),
    path("offers/", api.MyOffersApi.as_view(), name="offer-list"),
    path("offers/<uuid:offer_id>/accept", api.OfferAcceptApi.as_view(), name="offer-accept"),
    path("offers/<uuid:offer_id>/decline", api.OfferDeclineApi.as_view(), name="offer-decline"),
    path("offers/<uuid:offer_id>/withdraw", api.OfferWithdrawApi.as_view(), name="offer-withdraw"),
    path("offers/<uuid:offer_id>/cancel", api.OfferCancelAgreementApi.as_view(), name="offer-cancel-agreement"),
    path("conversations/", api.ConversationListApi.as_view(), name="conversation-list"),
    path(
        "conversations/<uuid:conversation_id>/messages",
        api.ConversationMessagesApi.as_view(),
        name="conversation-messages",
    ),
    path("statistics/requests/", StatisticsApi.as_view(), name="request-statistics"),
]
