from django.utils.functional import SimpleLazyObject

from .selectors import municipality_list


def municipality(request) -> dict:
    current = getattr(request, "municipality", None)
    user = getattr(request, "user", None)
    return {
        "current_municipality": current,
        "municipalities": municipality_list,  # called lazily by the template
        # Roles in the municipality being shown, for the menu (evaluated only if used).
        "can_moderate": SimpleLazyObject(
            lambda: bool(user and current and user.has_perm("accounts.moderate", current))),
        # Staff and council see the reports (the Innovation Barometer).
        "can_report": SimpleLazyObject(
            lambda: bool(user and current and (user.has_perm("accounts.work_as_staff", current)
                                               or user.has_perm("accounts.review_as_council", current)))),
    }
