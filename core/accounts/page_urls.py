"""URLs of the login pages a browser uses at /accounts/: allauth's phone and code pages only.

Members have no password and log in by SMS code, so allauth's password and e-mail pages are not
routed: they would let a member set a password (a way around SMS login) or send mail outside the
outbox. allauth's templates ask for those pages with {% url ... as name %} and simply leave them out.
"""

from allauth.account import urls as allauth_account_urls
from django.urls import URLPattern, URLResolver

PAGES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_request_login_code",
        "account_confirm_login_code",
        "account_verify_phone",
        "account_change_phone",
    }
)

urlpatterns: list[URLPattern | URLResolver] = [
    pattern for pattern in allauth_account_urls.urlpatterns if isinstance(pattern, URLPattern) and pattern.name in PAGES
]
