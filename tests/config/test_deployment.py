"""The docker-compose deployment of the README: every part there, with health checks."""
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def web_command() -> list[str]:
    """docker-compose `web`'s command as it runs when no variable is set (`${VAR:-default}`)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return [re.sub(r"^\$\{\w+:-(.*)\}$", r"\1", part) for part in compose["services"]["web"]["command"]]


def test_compose_runs_every_part_with_healthchecks_and_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "ws", "proxy", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "ws", "worker"):
        assert "healthcheck" in services[name], name
    web = services["web"]["command"]
    assert web[0] == "granian" and web[web.index("--interface") + 1] == "wsgi", "HTTP is served by WSGI workers"
    assert "config.wsgi:application" in web
    assert "config.asgi:application" in services["ws"]["command"]
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert services["web"]["environment"]["DJANGO_ENV"] == "production"


def test_proxy_sends_websockets_to_the_asgi_server_and_the_rest_to_wsgi():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    ws_block = conf.split("location /ws/", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://ws;" in ws_block and "Upgrade" in ws_block
    root_block = conf.split("location / {", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://web;" in root_block


def test_the_image_serves_http_as_compose_does():
    """`docker run hoest` (the Dockerfile's CMD) starts the same granian as compose's `web`,
    whose variables (GRANIAN_WORKERS, ...) fall back to the image's values."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    image_command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    web = web_command()
    assert image_command == web
    assert web[web.index("--workers") + 1] == "2" and web[web.index("--blocking-threads") + 1] == "2"


def test_the_installed_granian_accepts_the_web_command():
    """A misspelt option, or a value out of granian's range (the idle timeout stops at
    600 s), would only show when the container starts: parse it with granian's own CLI."""
    from granian.cli import cli

    web = web_command()
    options = cli.make_context(web[0], web[1:]).params
    assert options["interface"] == "wsgi" and options["blocking_threads_idle_timeout"] == 600
