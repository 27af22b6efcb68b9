"""Forms of the request pages. They check shape only; the services decide what is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.clients.models import Client
from core.groups.models import Category, Channel
from core.requests.models import RequestState, Timing
from core.requests.services import MAX_MESSAGE_LENGTH, MAX_OPEN_DAYS

MYSELF = "me"


class ActionForm(forms.Form):
    """A button's form (accept, complete...): no fields, but a place to show a service's refusal."""


class FeedFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All categories")
    )
    area = forms.CharField(label=_("Area"), max_length=120, required=False)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *RequestState.choices], required=False)


class PostRequestForm(forms.Form):
    """Required things first; the template puts the optional ones under "More details"."""

    for_whom = forms.ChoiceField(label=_("For whom"), initial=MYSELF)
    title = forms.CharField(
        label=_("What do you need help with?"),
        max_length=120,
        error_messages={"required": _("Give the request a title.")},  # the service's words
        help_text=_("For example: Escort to the dentist. No names, phone numbers or addresses here."),
    )
    channel = forms.ModelChoiceField(label=_("Where to ask"), queryset=Channel.objects.none(), empty_label=None)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("No category")
    )
    area = forms.CharField(
        label=_("Area"),
        max_length=120,
        required=False,
        help_text=_("A neighbourhood or village, shown to everyone. The exact address goes under More details."),
    )
    timing = forms.ChoiceField(
        label=_("When"),
        choices=[(Timing.FLEXIBLE, _("Flexible")), (Timing.AT, _("At a time")), (Timing.WINDOW, _("Within a window"))],
        initial=Timing.FLEXIBLE,
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        help_text=_("For a time or the start of a window."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Window ends"),
        required=False,
        help_text=_("Only for a window."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # More details
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        help_text=_("Everyone who can help reads this. Keep contact details out of it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(
        label=_("Exact address"),
        max_length=500,
        required=False,
        help_text=_("Only the helpers you accept see it. For a client, their address is used when left empty."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    helpers_needed = forms.IntegerField(
        label=_("Helpers needed"),
        min_value=1,
        max_value=50,
        initial=1,
        required=False,  # empty means one
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    open_days = forms.IntegerField(
        label=_("Keep open for (days)"),
        min_value=1,
        max_value=MAX_OPEN_DAYS,
        required=False,
        help_text=_("Leave empty for the usual period. It never stays open past the time help is needed."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    REQUIRED = ("for_whom", "title", "channel", "category", "area", "timing", "starts_at", "ends_at")
    DETAILS = ("description", "address", "helpers_needed", "open_days")

    def __init__(
        self,
        *args: Any,
        channels: QuerySet[Channel],
        categories: QuerySet[Category],
        clients: list[Client],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        channel.queryset = channels  # type: ignore[attr-defined]
        only = list(channels[:2])
        self.has_channels = bool(only)
        self.only_channel: Channel | None = only[0] if len(only) == 1 else None
        if self.only_channel is not None:
            channel.initial = self.only_channel.pk
            channel.widget = forms.HiddenInput()
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        if clients:
            self.fields["for_whom"].choices = [  # type: ignore[attr-defined]
                (MYSELF, _("Myself")),
                *((str(client.pk), client.name) for client in clients),
            ]
            self.fields["for_whom"].help_text = _("Only the helpers you accept see a client's name and address.")
        else:
            del self.fields["for_whom"]

    def required_fields(self) -> list[forms.BoundField]:
        shown = [name for name in self.REQUIRED if name in self.fields]
        if self.only_channel is not None:
            shown.remove("channel")  # a hidden field, rendered apart
        return [self[name] for name in shown]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.DETAILS]


class OfferForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the person asking"),
        max_length=1000,
        required=False,
        help_text=_("For example, when you can come. No phone numbers: you talk here once agreed."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on_behalf_of = forms.ChoiceField(label=_("Who will help"), initial=MYSELF)

    def __init__(self, *args: Any, residents: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if residents:
            self.fields["on_behalf_of"].choices = [  # type: ignore[attr-defined]
                (MYSELF, _("Myself")),
                *((str(resident.pk), resident.name) for resident in residents),
            ]
            self.fields["on_behalf_of"].help_text = _("As staff you may offer for a resident qualified in your group.")
        else:
            del self.fields["on_behalf_of"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelRequestForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cancel-%s")  # the page has a reason field per accepted offer too
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=_("Why are you cancelling?"),
        max_length=1000,
        required=False,
        help_text=_("Helpers who offered are told the request is cancelled."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ThankForm(forms.Form):
    text = forms.CharField(
        label=_("A few words of thanks"),
        max_length=1000,
        error_messages={"required": _("Write a few words of thanks.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        error_messages={"required": _("Write a message.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"),
        max_length=MAX_MESSAGE_LENGTH,
        error_messages={"required": _("Write a message.")},
        help_text=_("Only the person asking for help and their staff read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        error_messages={"required": _("Say what is wrong with it.")},
        help_text=_("A moderator of this channel reads your report and decides what to do."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
