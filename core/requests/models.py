"""Requests for help, the offers that answer them, and the conversations between the two sides.

The rules (who may see, offer, accept; which state may follow which) live in services.py,
selectors.py and states.py; a model holds only what its own row can check.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.clients.models import Client
from core.groups.models import Category, Channel, Group


class RequestState(models.TextChoices):
    OPEN = "open", _("open")
    AGREED = "agreed", _("agreed")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")


class Timing(models.TextChoices):
    AT = "at", _("at a time")
    WINDOW = "window", _("within a time window")
    FLEXIBLE = "flexible", _("flexible")


class RequestPolicy(models.Model):
    """The tenant's defaults for requests: one row per schema (the schema is the tenant)."""

    id = models.BigAutoField(primary_key=True)
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    default_open_days = models.PositiveSmallIntegerField(_("requests stay open for (days)"), default=7)
    expiry_reminder_hours = models.PositiveSmallIntegerField(
        _("remind the poster this many hours before expiry"), default=24
    )

    class Meta:
        verbose_name = _("request policy")
        verbose_name_plural = _("request policies")
        constraints = (models.CheckConstraint(condition=Q(singleton=True), name="request_policy_singleton"),)

    def __str__(self) -> str:
        return f"{self.default_open_days} days"


class HelpRequest(models.Model):
    """A need posted into a channel, by a member for themselves or by staff for a client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="requests")
    # The publishing group the poster posted through; for a client, the group that keeps the client.
    poster_group = models.ForeignKey(
        Group, verbose_name=_("posted through"), on_delete=models.PROTECT, related_name="posted_requests"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="help_requests"
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timing = models.CharField(_("when"), max_length=10, choices=Timing.choices, default=Timing.FLEXIBLE)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    # Shown to everyone who sees the request; the exact address only to accepted helpers.
    area = models.CharField(_("area"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    helpers_needed = models.PositiveSmallIntegerField(_("helpers needed"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    expires_at = models.DateTimeField(_("open until"))
    first_offer_at = models.DateTimeField(_("first offer"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    # When the request left open/agreed for good (completed, cancelled, expired): helpers' access
    # to contact details ends a grace period after this.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    thanks = models.TextField(_("thanks to the helpers"), blank=True)
    thanked_at = models.DateTimeField(_("thanked"), null=True, blank=True)
    # Background work, recorded so that a lost task is found and redone by the sweep.
    fanout_done_at = models.DateTimeField(null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    # Moderation: hidden content is seen only by the poster's side, the channel's leaders and admins.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ("-created_at",)
        indexes = (
            # The feed: open requests of a few channels, newest first.
            models.Index(fields=("channel", "state", "-created_at"), name="request_feed"),
            models.Index(fields=("state", "expires_at"), name="request_due"),
            models.Index(fields=("posted_by", "-created_at"), name="request_by_poster"),
            models.Index(fields=("poster_group", "-created_at"), name="request_by_group"),
            models.Index(fields=("created_at",), name="request_created"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(helpers_needed__gte=1, helpers_needed__lte=50), name="request_helpers_1_50"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False, ends_at__gte=models.F("starts_at")),
                name="request_window_in_order",
            ),
        )

    def __str__(self) -> str:
        return self.title


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # Accepted once, then the agreement was cancelled by either side.
    CANCELLED = "cancelled", _("agreement cancelled")


LIVE_OFFER_STATUSES = (OfferStatus.PENDING, OfferStatus.ACCEPTED)


class Offer(models.Model):
    """A person offering to take a request; staff may offer for a resident they accompany."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(HelpRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="offers")
    # Who will help: the member, or the resident a staff member offers for.
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="offers"
    )
    # Who made the offer: the helper, or the staff member acting for them.
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("offered by"), on_delete=models.PROTECT, related_name="+"
    )
    # The answering group the offer came through (whose membership made the helper eligible).
    via_group = models.ForeignKey(Group, verbose_name=_("through group"), on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ("created_at",)
        constraints = (
            models.UniqueConstraint(
                fields=("request", "helper"),
                condition=Q(status__in=("pending", "accepted")),
                name="offer_one_live_per_helper",
            ),
        )
        indexes = (
            models.Index(fields=("helper", "status"), name="offer_by_helper"),
            models.Index(fields=("offered_by", "status"), name="offer_by_offerer"),
            models.Index(fields=("request", "status"), name="offer_by_request"),
        )

    def __str__(self) -> str:
        return f"offer {self.id} ({self.status})"


class ConversationKind(models.TextChoices):
    # Poster's side and the accepted helpers, after agreement.
    AGREEMENT = "agreement", _("agreement")
    # One helper asking the poster's side before anyone is agreed.
    QUESTION = "question", _("question before agreement")


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        HelpRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="conversations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ConversationKind.choices)
    # The asking helper of a question conversation; empty for the agreement conversation.
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ("-last_message_at", "-created_at")
        constraints = (
            models.UniqueConstraint(
                fields=("request",), condition=Q(kind="agreement"), name="conversation_one_agreement_per_request"
            ),
            models.UniqueConstraint(
                fields=("request", "helper"), condition=Q(kind="question"), name="conversation_one_question_per_helper"
            ),
            models.CheckConstraint(
                condition=Q(kind="agreement", helper__isnull=True) | Q(kind="question", helper__isnull=False),
                name="conversation_helper_iff_question",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id}"


class ConversationMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("conversation", "created_at"), name="message_in_conversation"),)

    def __str__(self) -> str:
        return f"message {self.id}"


class ConversationRead(models.Model):
    """How far a participant has read a conversation."""

    id = models.BigAutoField(primary_key=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("conversation", "user"), name="conversation_read_once"),)

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} at {self.read_at}"
