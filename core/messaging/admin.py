"""Read-only admin of the outbox, for support staff inside a tenant's schema.

Not registered on the public site's admin (the outbox lives only in tenant schemas); the tenant
admin site registers it when it is routed: `site.register(OutboxMessage, OutboxMessageAdmin)`.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage


class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ("created_at", "medium", "kind", "status", "priority", "attempts", "sent_at")
    list_filter = ("status", "medium", "kind", "priority")
    search_fields = ("kind", "provider_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    # The body is shown only through shown_body: a pending login code must not be read by staff.
    fields = (
        "medium",
        "kind",
        "recipient",
        "to",
        "subject",
        "shown_body",
        "priority",
        "status",
        "attempts",
        "next_attempt_at",
        "sending_since",
        "last_error",
        "provider_id",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    list_select_related = ("recipient",)

    @admin.display(description=_("body"))
    def shown_body(self, message: OutboxMessage) -> str:
        return str(_("(hidden: it carries a secret)")) if message.sensitive else message.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
