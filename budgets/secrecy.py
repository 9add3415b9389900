"""Keyed hashes that separate who voted from what was voted.

The key is derived from BALLOT_SECRET (or SECRET_KEY) and is not stored in the database:
someone with a copy of the database alone cannot link a participation to a ballot.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back


def _key(purpose: str) -> bytes:
    secret = getattr(settings, "BALLOT_SECRET", "") or settings.SECRET_KEY
    return hashlib.sha256(f"hoest.budgets.{purpose}:{secret}".encode()).digest()


def _hmac(purpose: str, message: str) -> str:
    return hmac.new(_key(purpose), message.encode(), hashlib.sha256).hexdigest()


def voter_hash(process_id: int, identity: str, scope: str = "") -> str:
    """identity: "user:<id>", "code:<code hash>", "paper:<uuid>" or "import:<voter id>";
    scope: "" for the citywide election, else the district budget's (BudgetElection.hash_scope),
    so one voter has one hash, and so one ballot, per election."""
    return _hmac("voter", f"{process_id}:{identity}" if not scope else f"{process_id}/{scope}:{identity}")


def new_receipt() -> str:
    # One read of the system's random source (not one per character): the alphabet has 32
    # letters (tests/budgets/test_receipts.py), so five bits of a byte pick one without bias.
    raw = "".join(RECEIPT_ALPHABET[byte & 31] for byte in secrets.token_bytes(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def receipt_for(voter_hash: str, content: dict) -> str:
    """The receipt of a re-votable ballot: derived from the voter's hash and what was voted,
    so two simultaneous casts of the same ballot (a double-click) show the same receipt,
    whichever commits last. It reveals nothing a holder of the key could not already link
    through the voter hash."""
    import json

    digest = hmac.new(_key("receipt-for"), f"{voter_hash}:{json.dumps(content, sort_keys=True)}".encode(),
                      hashlib.sha256).digest()
    raw = "".join(RECEIPT_ALPHABET[byte % len(RECEIPT_ALPHABET)] for byte in digest[:16])
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def receipt_hash(receipt: str) -> str:
    return _hmac("receipt", normalise_code(receipt))


def code_hash(code: str) -> str:
    return _hmac("code", normalise_code(code))


def new_voting_code() -> str:
    return new_receipt()  # same shape: 16 unambiguous characters in groups of four
