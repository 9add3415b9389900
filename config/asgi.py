"""ASGI entry point: HTTP and websockets under /ws/.

In the embedded mode one ASGI process serves everything; in production granian serves HTTP
through config.wsgi, and an ASGI server only /ws/, behind the reverse proxy.
"""
import os

# Read by settings: under ASGI, PostgreSQL connections come from the psycopg pool with
# CONN_MAX_AGE = 0 instead of one persistent connection per thread.
os.environ.setdefault("HOEST_SERVER_INTERFACE", "asgi")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config import scheduler  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from realtime.origins import OriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origins are checked on scheme, host and port (channels' own validator ignores the port).
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# The embedded run mode has no Celery beat: the periodic jobs run in this process.
scheduler.start()
