from django import template
from django.utils.formats import get_format

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


@register.filter
def ballot_field(form, code):
    """The bound points field of one project on a cumulative ballot."""
    return form[f"points_{code}"]


@register.simple_tag
def money_unit(currency="DKK"):
    """What follows an amount (`money`), for the ballot's script to write amounts as the pages do."""
    return format_money(0, currency).split(" ", 1)[1]


@register.simple_tag
def thousand_separator():
    return get_format("THOUSAND_SEPARATOR")
