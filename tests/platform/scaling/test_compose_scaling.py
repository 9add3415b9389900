"""`docker compose up --scale web=3 --scale ws=2 --scale worker=2` must work: a replicated
service that published a fixed host port or had a fixed container name would fail to start
its second replica, and one that kept files outside the shared volumes would lose them."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
SCALED = ("web", "ws", "worker")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_scaled_services_publish_no_host_port_and_have_no_fixed_name():
    services = compose()["services"]
    for name in SCALED:
        service = services[name]
        assert "ports" not in service, f"{name} publishes a host port: a second replica could not bind it"
        assert "container_name" not in service, f"{name} has a fixed container name"
    # Only the proxy is reachable from outside, and it reaches the replicas by service name.
    assert [n for n, s in services.items() if "ports" in s] == ["proxy"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000" in nginx and "server ws:8001" in nginx


def test_every_replica_shares_the_same_database_redis_and_media():
    services = compose()["services"]
    environments = []
    for name in (*SCALED, "beat"):
        service = services[name]
        env = service["environment"]
        environments.append((env["DATABASE_URL"], env["REDIS_URL"], env["MEDIA_ROOT"]))
        assert "media:/srv/media" in service["volumes"], f"{name} does not mount the shared media volume"
    assert len(set(environments)) == 1, "web, ws, worker and beat must use the same PostgreSQL, Redis and media"
