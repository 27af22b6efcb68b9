"""The audit log: one append-only row per security-relevant action in this tenant."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk changes in the ORM, before the database trigger would (migration 0002)."""

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which row, for whom, when and from where.

    Rows are never updated or deleted: a database trigger refuses both (migration 0002). The
    actor is a plain reference without a database constraint, so deleting a person later keeps
    the history of what was done.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, db_index=True)
    on_behalf_of_type = models.CharField(_("on behalf of (type)"), max_length=64, blank=True)
    on_behalf_of_id = models.CharField(_("on behalf of (id)"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Identifiers and states only; never names, phone numbers or free text about a person.
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects: ClassVar[models.Manager["AuditEvent"]] = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("target_type", "target_id", "at")),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")
