"""Settings entry point.

`DJANGO_ENV=production` (or `DJANGO_SETTINGS_MODULE=config.settings.production`) selects the
hardened production profile; everything else is the embedded default described in
docs/ARCHITECTURE.md, switched to real services by `DATABASE_URL` and `REDIS_URL`.
"""
import os

if os.environ.get("DJANGO_ENV", "development").lower() == "production":
    from .production import *  # noqa: F403
else:
    from .base import *  # noqa: F403
