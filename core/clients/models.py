"""Models of clients (see the app's services for the rules)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.phone import validate_e164
from core.groups.models import Group


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("verbally")
    WRITTEN = "written", _("in writing")
    REPRESENTATIVE = "representative", _("through a guardian or representative")


class Client(models.Model):
    """A person without an account whom a need group's staff represent.

    The contact details (phone, address, notes) are read only through
    selectors.get_client_contact, which writes an audit row for every read.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The need group whose staff keep this record.
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="clients")
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=16, blank=True, validators=[validate_e164])
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    consent_method = models.CharField(_("agreed to be represented"), max_length=16, choices=ConsentMethod.choices)
    consent_date = models.DateField(_("agreed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ("name",)
        indexes = (models.Index(fields=("group", "archived_at")),)

    def __str__(self) -> str:
        return self.name
