"""Conversations between the two sides of a request: the list with unread counts, a thread, sending, reporting."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.moderation.services import do_report
from core.requests.models import Conversation, ConversationMessage, RequestState
from core.requests.selectors import (
    conversations_visible_to,
    get_visible_conversation,
    get_visible_message,
    messages_of,
    participant_ids,
)
from core.requests.services import do_mark_read, do_send_message

from ..pages import is_htmx, member_required, show_errors
from .common import page_of, person
from .forms import MessageForm, ReportForm

READ_ONLY = (RequestState.CANCELLED, RequestState.EXPIRED)


def _visible_conversation(request: HttpRequest, pk: UUID) -> Conversation:
    try:
        return get_visible_conversation(user=person(request), conversation_id=pk)
    except Conversation.DoesNotExist:
        raise Http404 from None


@require_GET
@member_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, conversations_visible_to(person(request)))
    return render(request, "web/requests/conversations.html", {"page": page, "conversations": page.object_list})


def _thread_context(
    request: HttpRequest, conversation: Conversation, form: MessageForm | None = None
) -> dict[str, Any]:
    """The messages, read as of now: opening or polling a thread marks it read."""
    thread = list(messages_of(conversation=conversation))
    do_mark_read(actor=person(request), conversation=conversation)
    return {
        "conversation": conversation,
        "req": conversation.request,
        "thread": thread,
        "form": form or MessageForm(),
        "closed": conversation.request.state in READ_ONLY,
        # Moderators may read a thread they moderate, but only its participants write in it.
        "may_write": conversation.request.state not in READ_ONLY
        and person(request).pk in participant_ids(conversation),
    }


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
def conversation_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the thread. POST: send a message; with htmx the thread and an empty form come back in place."""
    conversation = _visible_conversation(request, pk)
    if request.method != "POST":
        return render(request, "web/requests/conversation.html", _thread_context(request, conversation))
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            do_send_message(actor=person(request), conversation=conversation, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as refused:
            show_errors(form, refused)  # the form is no longer valid
    if form.is_valid():
        if is_htmx(request):
            return render(request, "web/requests/_conversation.html", _thread_context(request, conversation))
        return redirect("web:conversation", pk=conversation.pk)
    context = _thread_context(request, conversation, form)
    if is_htmx(request):
        # htmx swaps only successful answers; the refusal is shown in place, on the form.
        return render(request, "web/requests/_conversation.html", context)
    return render(request, "web/requests/conversation.html", context, status=400)


@never_cache
@require_GET
@member_required
def conversation_thread(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The messages alone, for the page to poll every 15 seconds."""
    conversation = _visible_conversation(request, pk)
    return render(request, "web/requests/_messages.html", _thread_context(request, conversation))


@require_http_methods(["GET", "POST"])
@member_required
def message_report(request: HttpRequest, pk: UUID) -> HttpResponse:
    try:
        message = get_visible_message(user=person(request), message_id=pk)
    except ConversationMessage.DoesNotExist:
        raise Http404 from None
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "message": message, "req": message.conversation.request}
    if request.method != "POST":
        return render(request, "web/requests/report.html", context)
    if not form.is_valid():
        return render(request, "web/requests/report.html", context, status=400)
    try:
        do_report(reporter=person(request), message=message, reason=form.cleaned_data["reason"])
    except ConversationMessage.DoesNotExist:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as refused:
        show_errors(form, refused)
        return render(request, "web/requests/report.html", context, status=400)
    messages.success(request, _("Thank you. A moderator will look at your report."))
    return redirect("web:conversation", pk=message.conversation_id)
