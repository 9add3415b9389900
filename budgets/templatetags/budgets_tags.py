from django import template

from budgets.ballots import money as format_money

register = template.Library()


@register.filter
def money(amount, currency="DKK"):
    return format_money(int(amount or 0), currency)


@register.filter
def percent(fraction):
    return f"{float(fraction) * 100:.0f} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
