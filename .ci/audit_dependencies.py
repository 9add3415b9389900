"""Audit the installed Python packages (the virtual environment `./hoest setup` built from
pyproject.toml, test extras included) for known vulnerabilities with pip-audit.

Outcomes, each stated in one line at the end:
  * a known vulnerability that is not ignored -> exit 1, listing package, version, id, fix;
  * every package audited, nothing found       -> exit 0;
  * the vulnerability service could not be asked (pip-audit needs the network: PyPI's
    per-release JSON API, or OSV as the fallback) -> a loud warning naming how many packages
    went unaudited and why, and exit 0 — unless HOEST_AUDIT_STRICT=1, which makes it exit 2.
    An unaudited run never reports "no known vulnerabilities".

Vulnerabilities that do not apply to Høst are ignored in pyproject.toml,
[tool.hoest.pip-audit] ignore = {"GHSA-...": "why it does not apply"}; a reason is required.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("pypi", "osv")  # pip-audit's vulnerability services, tried in this order


def ignored() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ignore = config.get("tool", {}).get("hoest", {}).get("pip-audit", {}).get("ignore", {})
    for vuln_id, reason in ignore.items():
        if not str(reason).strip():
            sys.exit(f"pip-audit: ignoring {vuln_id} needs a reason in pyproject.toml")
    return ignore


def audit(service: str, ignore: dict[str, str]) -> tuple[dict | None, str]:
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off",
               "--format", "json", "--vulnerability-service", service, "--timeout", "20"]
    for vuln_id in ignore:
        command += ["--ignore-vuln", vuln_id]
    # A fixed argument list, no shell: the command is ours, not user input.
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603  # nosec B603
    try:
        return json.loads(result.stdout), ""
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return None, last


def main() -> int:
    ignore = ignored()
    reasons = []
    for service in SERVICES:
        report, error = audit(service, ignore)
        if report is None:
            reasons.append(f"{service}: pip-audit failed ({error})")
            continue
        dependencies = report["dependencies"]
        audited = [d for d in dependencies if "skip_reason" not in d]
        vulnerable = [(d, v) for d in audited for v in d.get("vulns", [])]
        if vulnerable:
            for dependency, vuln in vulnerable:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
                print(f"  {dependency['name']} {dependency['version']}: {vuln['id']} "
                      f"(fixed in {fixes}) {' '.join(vuln.get('aliases', []))}")
            print(f"pip-audit ({service}): {len(vulnerable)} known vulnerabilities. Upgrade, or "
                  "if one does not apply, ignore it with the reason under "
                  "[tool.hoest.pip-audit] in pyproject.toml.")
            return 1
        if len(audited) == len(dependencies):
            note = f", {len(ignore)} ignored as not applying" if ignore else ""
            print(f"pip-audit ({service}): {len(audited)} packages audited, no known "
                  f"vulnerabilities{note}.")
            return 0
        skipped = len(dependencies) - len(audited)
        example = next(d["skip_reason"] for d in dependencies if "skip_reason" in d)
        reasons.append(f"{service}: {skipped} of {len(dependencies)} packages not audited "
                       f"(e.g. {example})")
    print("pip-audit: WARNING — the dependencies were NOT audited; the vulnerability services "
          "could not be asked from here:")
    for reason in reasons:
        print(f"  {reason}")
    if os.environ.get("HOEST_AUDIT_STRICT") == "1":
        print("pip-audit: HOEST_AUDIT_STRICT=1, so an unaudited run fails.")
        return 2
    print("pip-audit: continuing (set HOEST_AUDIT_STRICT=1 to fail instead).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
