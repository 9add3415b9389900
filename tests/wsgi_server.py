"""A WSGI test server for concurrency tests: a deep accept queue and a bounded pool of
worker threads, like a production server with a fixed number of workers. Django's
live_server accepts only 5 pending connections (so a burst is reset) and starts a thread,
and a database connection, per request (so a burst exhausts PostgreSQL)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from wsgiref.simple_server import WSGIServer

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler


class PooledWSGIServer(WSGIServer):
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, *args, workers: int, **kwargs):
        self.pool = ThreadPoolExecutor(max_workers=workers)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        self.pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - the handler reports; keep serving
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_wsgi(workers: int = 32):
    from django.db import connections

    server = PooledWSGIServer(("127.0.0.1", 0), QuietHandler, workers=workers)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.pool.shutdown(wait=True)
        server.server_close()
        connections.close_all()
