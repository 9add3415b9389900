"""The dependency audit `./hoest lint` runs (.ci/audit_dependencies.py around pip-audit):
a known vulnerability fails the lint; an audit that could not reach the vulnerability
service says so loudly and never claims "no known vulnerabilities"."""
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow_tier  # starts servers or processes

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"


@pytest.fixture
def audit_script():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_pip_audit(monkeypatch, module, answers: dict):
    """answers: vulnerability service -> pip-audit's JSON report, or None for a crash."""
    calls = []

    def run(command, **kwargs):
        service = command[command.index("--vulnerability-service") + 1]
        calls.append(command)
        report = answers[service]
        if report is None:
            return subprocess.CompletedProcess(command, 1, "", "ConnectionError: no route\n")
        return subprocess.CompletedProcess(command, 0, json.dumps(report), "")

    monkeypatch.setattr(module.subprocess, "run", run)
    return calls


CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []},
                          {"name": "pillow", "version": "11.0.0", "vulns": []}], "fixes": []}
UNREACHABLE = {"dependencies": [
    {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited"}],
    "fixes": []}
VULNERABLE = {"dependencies": [
    {"name": "django", "version": "5.2.0", "vulns": [
        {"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["5.2.1"], "aliases": ["CVE-2025-1"]}]},
    {"name": "pillow", "version": "11.0.0", "vulns": []}], "fixes": []}


def test_all_audited_and_clean_passes(monkeypatch, capsys, audit_script):
    fake_pip_audit(monkeypatch, audit_script, {"pypi": CLEAN})
    assert audit_script.main() == 0
    assert "2 packages audited, no known vulnerabilities" in capsys.readouterr().out


def test_known_vulnerability_fails_and_names_the_fix(monkeypatch, capsys, audit_script):
    fake_pip_audit(monkeypatch, audit_script, {"pypi": VULNERABLE})
    assert audit_script.main() == 1
    out = capsys.readouterr().out
    assert "django 5.2.0: GHSA-xxxx-yyyy-zzzz (fixed in 5.2.1)" in out


def test_unreachable_service_falls_back_to_osv(monkeypatch, capsys, audit_script):
    calls = fake_pip_audit(monkeypatch, audit_script, {"pypi": UNREACHABLE, "osv": CLEAN})
    assert audit_script.main() == 0
    assert len(calls) == 2
    assert "(osv): 2 packages audited" in capsys.readouterr().out


def test_no_service_reachable_warns_and_never_claims_clean(monkeypatch, capsys, audit_script):
    fake_pip_audit(monkeypatch, audit_script, {"pypi": UNREACHABLE, "osv": None})
    assert audit_script.main() == 0
    out = capsys.readouterr().out
    assert "NOT audited" in out and "2 of 2 packages not audited" in out
    assert "ConnectionError" in out
    assert "no known vulnerabilities" not in out


def test_strict_mode_fails_an_unaudited_run(monkeypatch, audit_script):
    monkeypatch.setenv("HOEST_AUDIT_STRICT", "1")
    fake_pip_audit(monkeypatch, audit_script, {"pypi": UNREACHABLE, "osv": None})
    assert audit_script.main() == 2


def test_ignored_vulnerabilities_are_passed_on_to_pip_audit(monkeypatch, audit_script):
    monkeypatch.setattr(audit_script, "ignored", lambda: {"GHSA-xxxx-yyyy-zzzz": "not used"})
    calls = fake_pip_audit(monkeypatch, audit_script, {"pypi": CLEAN})
    assert audit_script.main() == 0
    assert calls[0][calls[0].index("--ignore-vuln") + 1] == "GHSA-xxxx-yyyy-zzzz"


def test_an_ignore_without_a_reason_is_refused(monkeypatch, tmp_path, audit_script):
    (tmp_path / "pyproject.toml").write_text('[tool.hoest.pip-audit]\nignore = {"GHSA-1" = " "}\n')
    monkeypatch.setattr(audit_script, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="needs a reason"):
        audit_script.ignored()
