"""What joining a group requires, shaped for the requirement checklist partial (web/groups/_requirements.html).

Shared by the group page, the campaign landing page and the invitation page, so a person reads the same
checklist, with the same advice on what to do, wherever they meet the group.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Group
from core.qualification.selectors import ChecklistItem, RequirementState, checklists_for, requirements_of

# A check that runs out within this many days is marked "expires soon".
SOON_DAYS = 30


@dataclass(frozen=True)
class Row:
    item: ChecklistItem
    # False for a visitor who is not logged in: we know nothing of them, so no state is shown.
    known: bool
    soon: bool  # met, but runs out within SOON_DAYS

    @property
    def requirement(self) -> Any:
        return self.item.requirement


def rows_for(items: list[ChecklistItem], *, today: date, known: bool = True) -> list[Row]:
    horizon = today + timedelta(days=SOON_DAYS)
    return [
        Row(
            item=item,
            known=known,
            soon=known and item.counts_now and item.expires_on is not None and item.expires_on <= horizon,
        )
        for item in items
    ]


def requirement_rows(*, user: User | Any, group: Group) -> list[Row]:
    """The group's requirements with the person's state on each (none for a visitor)."""
    today = timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        blank = [
            ChecklistItem(requirement, RequirementState.MISSING, None, None, "")
            for requirement in requirements_of(group=group).order_by("created_at", "id")
        ]
        return rows_for(blank, today=today, known=False)
    return rows_for(checklists_for(user=user, group_ids=[group.pk], today=today)[group.pk], today=today)
