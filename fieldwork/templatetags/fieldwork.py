"""Template filters of the field-work pages."""

import datetime
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def days(value) -> str:
    """Days as Vietnamese write them: "12", "2,5", "1.293" (no trailing ",0")."""
    if value in (None, ""):
        return "0"
    number = Decimal(value).quantize(Decimal("0.1"))
    whole, _, fraction = f"{number:,.1f}".partition(".")
    whole = whole.replace(",", ".")
    return whole if fraction == "0" else f"{whole},{fraction}"


@register.filter
def overdue_on(trip, day: datetime.date) -> bool:
    return trip.is_overdue(day)
