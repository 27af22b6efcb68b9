"""The second factor of vendor staff, on the public site only."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_otp.middleware import OTPMiddleware


class PublicSiteOTPMiddleware(OTPMiddleware):  # type: ignore[misc]
    """django-otp's middleware, skipped on tenant hosts.

    Tenants' people never have an OTP device, and wrapping request.user there would pin it before
    allauth's app API swaps in the user of an X-Session-Token, logging that user out.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME:
            response: HttpResponse = self.get_response(request)
            return response
        return super().__call__(request)  # type: ignore[no-any-return]
