"""What each side of a request is told, in the recipient's language, through core.notifications.

Every notice has a key naming its occurrence, so a retried task or a re-run sweep tells nobody twice.
"""

from collections.abc import Iterable
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from core.groups.services import current_tenant
from core.notifications.events import Event
from core.notifications.services import Message, notify_many
from tenants.services import primary_host

from .models import HelpRequest


def request_link(request: HelpRequest) -> str:
    return f"https://{primary_host(current_tenant().slug)}/requests/{request.pk}"


def tell(*, event: Event, user_ids: Iterable[UUID], key: str, request: HelpRequest, text: str) -> int:
    """Tell these people about the request; `text` is a gettext_noop msgid formatted with %(title)s."""
    link = request_link(request)

    def render() -> Message:
        return Message(subject=request.title, body=_(text) % {"title": request.title}, url=link)

    return notify_many(event=event, user_ids=user_ids, key=key, render=render)


def tell_after_commit(*, event: Event, user_ids: Iterable[UUID], key: str, request: HelpRequest, text: str) -> None:
    """Tell them once the change that caused the notice has committed (nothing if it rolls back)."""
    ids = set(user_ids)
    transaction.on_commit(lambda: tell(event=event, user_ids=ids, key=key, request=request, text=text))
