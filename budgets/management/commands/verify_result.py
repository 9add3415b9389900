"""``python manage.py verify_result FILE [--public-key HEX]``: check a downloaded result offline.

FILE is a process's ``/budgets/<id>/result.json``. Its document is serialised canonically
again, compared with its fingerprint, and its Ed25519 signature checked with the public key
given (the one the municipality publishes at ``/budgets/result-key/``), or with the key in
the file, which then still has to be compared with the published one. Nothing is read
from the database.

Exit status: 0 verified, 1 not verified (the document was changed, or signed with another
key), 2 the file cannot be read or is not a result file.
"""
from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgets.results import verify_file

NOT_VERIFIED, UNREADABLE = 1, 2


class Command(BaseCommand):
    help = "Verify a downloaded signed result (result.json) offline: its fingerprint and Ed25519 signature."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the downloaded result.json")
        parser.add_argument("--public-key", help="the municipality's published public key (64 hex digits); "
                                                 "default: the key in the file")

    def handle(self, *args, **options):
        key = options["public_key"]
        if key is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", key.strip()):
            raise CommandError("--public-key must be 64 hex digits (an Ed25519 public key)", returncode=UNREADABLE)
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror or exc}", returncode=UNREADABLE) from None
        try:
            check = verify_file(data, public_key=key)
        except ValueError as exc:
            raise CommandError(f"{options['file']}: {exc}", returncode=UNREADABLE) from None
        if not check.ok:
            raise CommandError(f"NOT VERIFIED: {check.reason}", returncode=NOT_VERIFIED)
        document = check.document
        process = document.get("process", {})
        out = self.stdout.write
        out(f"VERIFIED: {check.reason}")
        out(f"Process {process.get('id')}: {process.get('title')} ({process.get('municipality', {}).get('name')}), "
            f"rule {process.get('tally_rule')}; approved {document.get('approved_at')} by {document.get('approved_by')}")
        for election in document.get("elections", []):
            out(f"  {election.get('name')}: {election['ballots']['count']} ballots (sha256 "
                f"{election['ballots']['sha256']}), funded {', '.join(election.get('selected', [])) or '-'} for "
                f"{election.get('spent')} of {election.get('budget')} {process.get('currency', '')}".rstrip())
        if key is None:
            out("The key is the one in the file: compare it with the key the municipality publishes at "
                "/budgets/result-key/, or pass that one with --public-key.")
