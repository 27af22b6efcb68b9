"""The one state machine of a request: every change of `state` goes through `transition`.

    open   -> agreed (enough helpers accepted) | expired (nobody agreed in time) | cancelled
    agreed -> completed | cancelled | open (an agreement was cancelled and the request reopens)

Completed, cancelled and expired are final.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import record

from .models import HelpRequest, RequestState

ALLOWED: dict[str, frozenset[str]] = {
    RequestState.OPEN: frozenset({RequestState.AGREED, RequestState.EXPIRED, RequestState.CANCELLED}),
    RequestState.AGREED: frozenset({RequestState.COMPLETED, RequestState.CANCELLED, RequestState.OPEN}),
    RequestState.COMPLETED: frozenset(),
    RequestState.CANCELLED: frozenset(),
    RequestState.EXPIRED: frozenset(),
}
FINAL = frozenset({RequestState.COMPLETED, RequestState.CANCELLED, RequestState.EXPIRED})


def check_transition(request: HelpRequest, *, to: RequestState) -> None:
    if to not in ALLOWED[request.state]:
        raise ValidationError(
            _("A request that is %(state)s cannot become %(target)s.")
            % {"state": RequestState(request.state).label, "target": to.label},
            code="illegal_transition",
        )


def transition(request: HelpRequest, *, to: RequestState, actor: User | None, reason: str = "") -> None:
    """Move the (locked) request to `to`, stamp the times and audit it; an illegal move raises ValidationError."""
    check_transition(request, to=to)
    now = timezone.now()
    previous = request.state
    request.state = to
    request.state_changed_at = now
    fields = ["state", "state_changed_at"]
    if to == RequestState.AGREED and request.agreed_at is None:
        request.agreed_at = now
        fields.append("agreed_at")
    if to in FINAL:
        request.closed_at = now
        fields.append("closed_at")
    if to == RequestState.CANCELLED and reason:
        request.cancel_reason = reason
        fields.append("cancel_reason")
    request.save(update_fields=fields)
    record(
        action=f"request.{to}",
        actor=actor,
        target=request,
        data={"from": previous, "channel": str(request.channel_id)},
    )
