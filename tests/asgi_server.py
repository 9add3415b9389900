"""Serve config.asgi on a real socket in a background thread (uvicorn), for tests that must
go through the whole ASGI stack: HTTP parsing, websocket handshake, origin check, session
auth middleware and the channel layer."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_asgi():
    from config.asgi import application

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
        ws="websockets-sansio",
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        # A channel layer belongs to one event loop (channels-redis refuses a second loop
        # while a receive of the first may still be pending); production has one loop per
        # process, these tests one per server: the next server gets a fresh layer.
        from channels.layers import channel_layers

        channel_layers.backends.clear()
