"""OpenAPI schema generation: component names that stay unique with one view per operation."""

from typing import Any, Literal

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.django_allauth import XSessionTokenAuthenticationScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Names nested serializers after the view that holds them.

    Every view has its own `InputSerializer` / `OutputSerializer` (STYLE.md); without this, all of
    them would be called "Input" and "Output" in the schema and overwrite each other.
    """

    def get_serializer_name(self, serializer: Any, direction: Literal["request", "response"]) -> str:
        cls = serializer if isinstance(serializer, type) else type(serializer)
        parts = cls.__qualname__.split(".")
        if len(parts) == 1 or "<locals>" in parts:
            return str(super().get_serializer_name(serializer, direction))
        return "".join(part.removesuffix("Api") for part in parts)


class PersonLanguageXSessionTokenScheme(XSessionTokenAuthenticationScheme):  # type: ignore[no-untyped-call]
    """Documents our session-token authentication (core/authentication.py) as allauth's own."""

    target_class = "core.authentication.XSessionTokenAuthentication"


class PersonLanguageSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    target_class = "core.authentication.SessionAuthentication"
