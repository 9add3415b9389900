"""One-click unsubscribe (RFC 8058) from one kind of e-mail, without signing in.

Every e-mail of a kind the person can turn off carries `List-Unsubscribe` with a link signed
for that person and that kind, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: the
mail client POSTs to the link, and the kind is "never" from then on (the notices stay in the
person's notification centre). A GET only shows a page with a button, so a mail scanner that
follows links unsubscribes nobody. The daily digest's link turns off the digest: every kind
the person gets in it becomes "never". Kinds that are always sent (with the reason, in the
registry) carry no link.
"""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import DIGEST_KIND
from .selectors import choosable

SALT = "notify.unsubscribe"


def can_unsubscribe(kind: str) -> bool:
    """Whether e-mails of `kind` offer one-click unsubscribe: the kinds a person may turn off,
    and the daily digest."""
    return kind == DIGEST_KIND or choosable(kind) is not None


def token_for(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str]:
    """The person and the kind a link was signed for; signing.BadSignature for anything else
    (a changed or made-up link, one signed for another purpose)."""
    data = signing.loads(token, salt=SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        raise signing.BadSignature("not an unsubscribe link")
    return data["u"], data["k"]


def headers_for(*, user_id: int, kind: str) -> dict[str, str]:
    """The RFC 8058 headers of an e-mail of `kind` to the person; none for a kind that is
    always sent."""
    if not can_unsubscribe(kind):
        return {}
    url = settings.SITE_URL + reverse("notify:unsubscribe", args=[token_for(user_id=user_id, kind=kind)])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
