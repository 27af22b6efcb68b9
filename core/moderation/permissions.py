"""Whether a member's suspension stops them from posting or offering; services call these."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User

from .models import Sanction, SanctionKind


def is_suspended(user: User) -> bool:
    """A suspension neither lifted nor run out."""
    now = timezone.now()
    return Sanction.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), user=user, kind=SanctionKind.SUSPENSION, lifted_at__isnull=True
    ).exists()


def check_not_suspended(user: User) -> None:
    if is_suspended(user):
        raise PermissionDenied(_("Your account is suspended: you cannot post requests or offer help for now."))
