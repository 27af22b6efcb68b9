"""Groups, memberships, channels, categories of help and invitations: who may do what."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    NEED = "need", _("need group (members post requests)")
    RESOURCE = "resource", _("resource group (members answer requests)")
    OPEN = "open", _("open group (members help each other)")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("anyone may join")
    APPROVAL = "approval", _("a leader approves applicants")
    INVITATION = "invitation", _("by invitation only")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public: anyone in the tenant sees the group and its members' count")
    PRIVATE = "private", _("private: the group is listed, its content is for members")
    SECRET = "secret", _("secret: invisible to everyone but its members")


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    STAFF = "staff", _("staff (acts on behalf of clients)")
    LEADER = "leader", _("group leader")


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    LAPSED = "lapsed", _("lapsed")


# Statuses in which a membership has ended; qualification records are deleted on entering them.
ENDED_STATUSES = frozenset({MembershipStatus.REJECTED, MembershipStatus.WITHDRAWN, MembershipStatus.LAPSED})


class Category(models.Model):
    """A category of help (escort, shopping, snow clearing...), defined per tenant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    join_policy = models.CharField(
        _("join policy"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    welcome_text = models.TextField(_("welcome text"), blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("categories of help"), blank=True)
    area = models.CharField(_("area"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ("name",)
        constraints = (models.UniqueConstraint(fields=("name",), name="group_name_unique"),)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.APPLIED
    )
    # Internal: seen by the group's leaders and the tenant's admins, never by the member.
    leader_notes = models.TextField(_("leader notes"), blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("-applied_at",)
        constraints = (models.UniqueConstraint(fields=("group", "user"), name="membership_once_per_group"),)
        indexes = (models.Index(fields=("user", "status")), models.Index(fields=("group", "status")))

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.status})"

    @property
    def is_approved(self) -> bool:
        return self.status == MembershipStatus.APPROVED


class Channel(models.Model):
    """Binds publishing groups (members post requests) to answering groups (members answer)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    publishing_groups = models.ManyToManyField(Group, verbose_name=_("publishing groups"), related_name="publishes_in")
    answering_groups = models.ManyToManyField(Group, verbose_name=_("answering groups"), related_name="answers_in")
    # Set on the channel an open group gets with its creation: the group publishes into it and answers it.
    own_group = models.OneToOneField(
        Group,
        verbose_name=_("open group of its own"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_channel",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class InvitationRole(models.TextChoices):
    ADMIN = "admin", _("tenant admin")
    LEADER = "leader", _("group leader")
    STAFF = "staff", _("staff")
    MEMBER = "member", _("member")


class Invitation(models.Model):
    """A single-use link that gives its holder a role; only a hash of the token is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=8, choices=InvitationRole.choices)
    group = models.ForeignKey(
        Group, verbose_name=_("group"), null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.role} invitation {self.id}"

    @property
    def state(self) -> str:
        """pending, accepted, revoked or expired: what the inviter sees in the list."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
