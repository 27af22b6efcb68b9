"""The lists of requests: the feed of what I can help with, the requests I posted, the offers I made."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.announcements.selectors import latest_news_for
from core.groups.selectors import categories
from core.requests.selectors import feed_for, offers_made_by, reach_of, requests_posted_by, with_my_offer

from ..pages import is_htmx, member_required
from .common import page_of, person
from .forms import FeedFilterForm, StateFilterForm


@require_GET
@member_required
def feed(request: HttpRequest) -> HttpResponse:
    """Open requests of the channels I answer, newest first, filtered by category and area."""
    user = person(request)
    reach = reach_of(user)
    filters = FeedFilterForm(request.GET, categories=categories())
    category, area = None, ""
    if filters.is_valid():
        category = filters.cleaned_data["category"]
        area = filters.cleaned_data["area"]
    requests = feed_for(member=user, category_id=category.pk if category else None, area=area, reach=reach)
    page = page_of(request, with_my_offer(requests, user=user))
    context = {
        "page": page,
        "requests": page.object_list,
        "filters": filters,
        "filtered": bool(category or area),
        "answers_any": bool(reach.answer_channel_ids | reach.staff_answer_channel_ids),
    }
    if is_htmx(request):
        return render(request, "web/requests/_feed_results.html", context)
    # The newest word from the leaders of my groups, on the page members open most.
    context["news"] = latest_news_for(user) if page.number == 1 else None
    return render(request, "web/requests/feed.html", context)


@require_GET
@member_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The requests I posted or keep for a client, newest first, with how many offers wait for an answer."""
    filters = StateFilterForm(request.GET)
    requests = requests_posted_by(user=person(request))
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    if state:
        requests = requests.filter(state=state)
    page = page_of(request, requests)
    return render(
        request,
        "web/requests/mine.html",
        {"page": page, "requests": page.object_list, "filters": filters, "state": state},
    )


@require_GET
@member_required
def my_offers(request: HttpRequest) -> HttpResponse:
    """My offers (as the helper or for a resident), newest first, each with its request."""
    page = page_of(request, offers_made_by(user=person(request)))
    return render(request, "web/requests/offers.html", {"page": page, "offers": page.object_list})
