from django.utils.functional import SimpleLazyObject

from . import mfa
from .middleware import SecondFactorMiddleware
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
        # Staff and admins have a staff home (dashboard.views.staff_home).
        "can_work_as_staff": SimpleLazyObject(
            lambda: bool(user and current and user.has_perm("accounts.work_as_staff", current))),
        # Staff and council see the reports (the Innovation Barometer).
        "can_report": SimpleLazyObject(
            lambda: bool(user and current and (user.has_perm("accounts.work_as_staff", current)
                                               or user.has_perm("accounts.review_as_council", current)))),
    }


def second_factor(request) -> dict:
    """For the two-factor pages (evaluated only where a template uses it): whether the person's
    role needs a second factor they lack, and the page they were sent from to set one up."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    privileged = SimpleLazyObject(lambda: bool(user is not None and mfa.is_privileged(user)))
    return {"second_factor": {
        "privileged": privileged,
        "required": SimpleLazyObject(lambda: bool(privileged) and not mfa.has_second_factor(user)),
        "next": SimpleLazyObject(lambda: (session.get(SecondFactorMiddleware.SESSION_KEY) or "")
                                 if session is not None else ""),
    }}
