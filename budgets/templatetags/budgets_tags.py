from django import template

from budgets.ballots import money as format_money
from budgets.models import rule_label as _rule_label

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


@register.filter
def rule_label(rule):
    """A tally rule in plain words: `equalshares/add1`, `greedy`, `mes` are the engine's codes."""
    return _rule_label(str(rule))
