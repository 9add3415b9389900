"""Starts tests/oidc/provider.mjs (npm's oidc-provider) on 127.0.0.1 for the e-ID tests, and a
relay in front of its token endpoint that can forge the ID token it passes on, signed with
the provider's own key or another, to prove Høst's client checks every part of it."""
from __future__ import annotations

import json
import os
import socket
import subprocess  # noqa: S404 - starts the test provider
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID, CLIENT_SECRET = "hoest-test", "test-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class OidcProvider:
    url: str
    key: object
    process: subprocess.Popen
    #: how the relay changes the next ID tokens: {claim: value} or {"_resign_with": key}
    forge: dict = field(default_factory=dict)
    relay_url: str = ""

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start(redirect_uris: list[str]) -> OidcProvider:
    key = new_key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.update(kid="hoest-test-key", alg="RS256", use="sig")
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "JWKS": json.dumps({"keys": [jwk]}),
           "CLIENTS": json.dumps([{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                   "redirect_uris": redirect_uris}])}
    process = subprocess.Popen(["node", str(ROOT / "tests" / "oidc" / "provider.mjs")], env=env, cwd=ROOT,  # noqa: S603, S607
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1)  # noqa: S310
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the OpenID Connect test provider did not start") from None
            time.sleep(0.1)
    provider = OidcProvider(url=url, key=key, process=process)
    provider.relay_url = _start_relay(provider)
    return provider


def _start_relay(provider: OidcProvider) -> str:
    """A token endpoint that passes requests on to the provider's, and forges the ID token
    in the answer as `provider.forge` says (nothing: passed on untouched)."""

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = urllib.request.Request(f"{provider.url}/token", data=body, method="POST",
                                             headers={"Content-Type": self.headers["Content-Type"]})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                    status, payload = answer.status, json.loads(answer.read())
            except urllib.error.HTTPError as error:
                status, payload = error.code, json.loads(error.read())
            if provider.forge and "id_token" in payload:
                payload["id_token"] = _forged(payload["id_token"], provider)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/token"


def _forged(id_token: str, provider: OidcProvider) -> str:
    claims = jwt.decode(id_token, options={"verify_signature": False})
    forge = dict(provider.forge)
    key = forge.pop("_resign_with", provider.key)
    claims.update(forge)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "hoest-test-key"})
