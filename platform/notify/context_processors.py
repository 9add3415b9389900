from functools import cache

from .selectors import unread_count


def notifications(request) -> dict:
    """The header's count of unread notifications: a function the template calls only where
    it shows the count, once a request, and then mostly answered from the cache
    (notify.selectors.unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        return unread_count(user=user)

    return {"unread_notifications": count}
