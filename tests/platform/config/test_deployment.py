"""The docker-compose deployment of the README: every part there, with health checks."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def test_compose_runs_every_part_with_healthchecks_and_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "ws", "proxy", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "ws", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"], "HTTP is served by WSGI workers"
    assert "config.asgi:application" in services["ws"]["command"]
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert services["web"]["environment"]["DJANGO_ENV"] == "production"


def test_proxy_sends_websockets_to_the_asgi_server_and_the_rest_to_wsgi():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    ws_block = conf.split("location /ws/", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://ws;" in ws_block and "Upgrade" in ws_block
    root_block = conf.split("location / {", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://web;" in root_block
