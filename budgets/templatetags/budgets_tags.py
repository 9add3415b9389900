from django import template
from django.utils.formats import get_format
from django.utils.translation import ngettext

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


@register.simple_tag
def comments_counted(project) -> str:
    """"2 comments" on a project's card: its published comments, which the selectors annotate
    (`comment_count`); nothing for a project without the count (the set-up's examples)."""
    n = getattr(project, "comment_count", None)
    if n is None:
        return ""
    return ngettext("%(n)s comment", "%(n)s comments", n) % {"n": n}
