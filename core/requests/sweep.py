"""The periodic sweep of one tenant's requests: expire, remind, and redo lost fan-outs. Safe to run twice."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.notifications.events import Event

from .models import HelpRequest, Offer, OfferStatus, RequestState
from .notices import tell, tell_after_commit
from .permissions import offerer_ids, poster_side_user_ids
from .services import agree, decline_kindly, policy
from .states import transition

# A fan-out not done this long after posting was lost (broker down, worker died) and is redone.
FANOUT_GRACE = timedelta(minutes=2)
HELPER_REMINDER_AHEAD = timedelta(hours=24)
BATCH = 500

EXPIRING = gettext_noop("“%(title)s” closes soon and nobody is agreed yet.")
EXPIRED = gettext_noop("“%(title)s” closed without anyone agreed. You can post it again.")
AGREED_SHORT = gettext_noop("“%(title)s” closed with fewer helpers than you asked for; it is agreed with them.")
REMINDER = gettext_noop("Reminder: tomorrow you help with “%(title)s”. Thank you!")


@dataclass(frozen=True)
class SweepReport:
    expired: int
    agreed_short: int
    reminded_posters: int
    reminded_helpers: int
    fanned_out: int


def _expire_one(request_id: UUID) -> str | None:
    with transaction.atomic():
        request = (
            HelpRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=request_id, state=RequestState.OPEN, expires_at__lte=timezone.now())
            .first()
        )
        if request is None:
            return None
        if Offer.objects.filter(request=request, status=OfferStatus.ACCEPTED).exists():
            # Some helpers were accepted: the request goes ahead with them rather than being lost.
            agree(request=request, actor=None)
            text, outcome, event = AGREED_SHORT, "agreed_short", Event.REQUEST_EXPIRED
        else:
            transition(request, to=RequestState.EXPIRED, actor=None)
            for offer in Offer.objects.filter(request=request, status=OfferStatus.PENDING):
                decline_kindly(offer=offer, actor=None, request=request)
            text, outcome, event = EXPIRED, "expired", Event.REQUEST_EXPIRED
        tell_after_commit(
            event=event,
            user_ids=poster_side_user_ids(request),
            key=f"request:{request.pk}:closed",
            request=request,
            text=text,
        )
        return outcome


def do_sweep_requests() -> SweepReport:
    now = timezone.now()
    expired = agreed_short = 0
    due = HelpRequest.objects.filter(state=RequestState.OPEN, expires_at__lte=now).values_list("pk", flat=True)
    for request_id in list(due[:BATCH]):
        outcome = _expire_one(request_id)
        expired += outcome == "expired"
        agreed_short += outcome == "agreed_short"

    # Remind posters whose open request closes within the tenant's reminder window.
    reminded_posters = 0
    ahead = timedelta(hours=policy().expiry_reminder_hours)
    closing = HelpRequest.objects.filter(
        state=RequestState.OPEN, expiry_reminded_at__isnull=True, expires_at__gt=now, expires_at__lte=now + ahead
    )
    for request in list(closing[:BATCH]):
        with transaction.atomic():
            if not HelpRequest.objects.filter(pk=request.pk, expiry_reminded_at__isnull=True).update(
                expiry_reminded_at=now
            ):
                continue
            tell(
                event=Event.REQUEST_EXPIRING,
                user_ids=poster_side_user_ids(request),
                key=f"request:{request.pk}:expiring",
                request=request,
                text=EXPIRING,
            )
            reminded_posters += 1

    # Remind accepted helpers the day before an agreed time.
    reminded_helpers = 0
    soon = Offer.objects.filter(
        status=OfferStatus.ACCEPTED,
        reminded_at__isnull=True,
        request__state=RequestState.AGREED,
        request__starts_at__gt=now,
        request__starts_at__lte=now + HELPER_REMINDER_AHEAD,
    ).select_related("request")
    for offer in list(soon[:BATCH]):
        with transaction.atomic():
            if not Offer.objects.filter(pk=offer.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            tell(
                event=Event.HELPER_REMINDER,
                user_ids=offerer_ids(offer),
                key=f"offer:{offer.pk}:reminder",
                request=offer.request,
                text=REMINDER,
            )
            reminded_helpers += 1

    # Redo fan-outs whose task was lost.
    from .services import do_fan_out

    fanned_out = 0
    lost = HelpRequest.objects.filter(fanout_done_at__isnull=True, created_at__lte=now - FANOUT_GRACE)
    for request_id in list(lost.values_list("pk", flat=True)[:50]):
        do_fan_out(request_id=request_id)
        fanned_out += 1
    return SweepReport(expired, agreed_short, reminded_posters, reminded_helpers, fanned_out)
