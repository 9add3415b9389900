"""What the API holds about a person, for their data download: when each of their tokens was
issued and until when it works, never the token."""
from __future__ import annotations

from .models import ApiToken


def collect(user) -> list[dict]:
    return [{"begins_with": t.prefix, "name": t.name, "issued": t.created_at.isoformat(),
             "expires": t.expires_at.isoformat()}
            for t in ApiToken.objects.filter(user=user)]
