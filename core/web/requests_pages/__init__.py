"""The member pages of requests for help: the feed, posting, my requests and offers, one request and its
actions, the contact reveal, reports, and conversations."""

from django.urls import URLPattern, path

from . import conversations, detail, lists, post

urlpatterns: list[URLPattern] = [
    path("feed/", lists.feed, name="feed"),
    path("requests/new", post.request_new, name="request-new"),
    path("requests/mine", lists.my_requests, name="my-requests"),
    path("requests/<uuid:pk>", detail.request_detail, name="request"),
    path("requests/<uuid:pk>/offer", detail.request_offer, name="request-offer"),
    path("requests/<uuid:pk>/question", detail.request_question, name="request-question"),
    path("requests/<uuid:pk>/cancel", detail.request_cancel, name="request-cancel"),
    path("requests/<uuid:pk>/complete", detail.request_complete, name="request-complete"),
    path("requests/<uuid:pk>/thank", detail.request_thank, name="request-thank"),
    path("requests/<uuid:pk>/contact", detail.request_contact, name="request-contact"),
    path("requests/<uuid:pk>/report", detail.request_report, name="request-report"),
    path("offers/", lists.my_offers, name="my-offers"),
    path("offers/<uuid:pk>/accept", detail.offer_accept, name="offer-accept"),
    path("offers/<uuid:pk>/decline", detail.offer_decline, name="offer-decline"),
    path("offers/<uuid:pk>/withdraw", detail.offer_withdraw, name="offer-withdraw"),
    path("offers/<uuid:pk>/cancel", detail.offer_cancel, name="offer-cancel"),
    path("conversations/", conversations.conversation_list, name="conversations"),
    path("conversations/<uuid:pk>", conversations.conversation_detail, name="conversation"),
    path("conversations/<uuid:pk>/thread", conversations.conversation_thread, name="conversation-thread"),
    path("messages/<uuid:pk>/report", conversations.message_report, name="message-report"),
]
