"""`{{ number|phone }}`: an E.164 number written the way people read it (+47 91 23 45 67)."""

from django import template

from core.accounts.phone import display_phone

register = template.Library()
register.filter("phone", display_phone)
