"""docker-compose.yml is a valid Compose file: it validates against the Compose
Specification's JSON schema (vendored in compose_spec/, see SOURCE.md there), and what the
schema cannot see holds too (services it depends on and volumes it mounts exist)."""
import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "compose_spec" / "compose-spec.json").read_text())


def validator():
    return jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def compose():
    # safe_load resolves the file's anchors and `<<` merge keys as Compose does.
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def errors(document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator().iter_errors(document)]


def test_docker_compose_yml_follows_the_compose_specification(compose):
    assert errors(compose) == []
    assert {"postgres", "redis", "migrate", "web", "ws", "worker", "beat", "proxy"} <= set(compose["services"])


@pytest.mark.parametrize("break_it", [
    lambda c: c["services"]["web"].update(comand=["granian"]),  # a typo in a key
    lambda c: c["services"]["web"]["depends_on"]["postgres"].update(condition="service_ready"),
    lambda c: c["services"]["redis"]["healthcheck"].update(retries="many"),
    lambda c: c["services"]["proxy"].update(ports="80:80"),
    lambda c: c.update(service={}),
])
def test_the_schema_catches_a_broken_file(compose, break_it):
    broken = copy.deepcopy(compose)
    break_it(broken)
    assert errors(broken) != []


def test_dependencies_and_volumes_exist(compose):
    services = compose["services"]
    declared_volumes = set(compose.get("volumes", {}))
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared_volumes, f"{name} mounts undeclared volume {source}"
            else:
                assert (ROOT / source).exists(), f"{name} mounts missing file {source}"
