"""What each side of a request is told, in the recipient's language, through core.notifications.

Every notice has a key naming its occurrence, so a retried task or a re-run sweep tells nobody twice.
"""

from collections.abc import Iterable
from uuid import UUID

from django.utils.translation import gettext as _

from core.accounts.models import User
from core.groups.services import current_tenant
from core.notifications.events import Event
from core.notifications.services import Message, notify, notify_many
from tenants.services import primary_host

from .models import HelpRequest


def request_link(request: HelpRequest) -> str:
    return f"https://{primary_host(current_tenant().slug)}/requests/{request.pk}"


def tell(*, event: Event, user_ids: Iterable[UUID], key: str, request: HelpRequest, text: str) -> int:
    """Tell these people about the request; `text` is a gettext msgid formatted with %(title)s."""
    link = request_link(request)

    def render() -> Message:
        return Message(subject=request.title, body=_(text) % {"title": request.title}, url=link)

    ids = list(dict.fromkeys(user_ids))
    if len(ids) == 1:
        notify(event=event, user=User.objects.get(pk=ids[0]), key=key, render=render)
        return 1
    return int(notify_many(event=event, user_ids=ids, key=key, render=render))
