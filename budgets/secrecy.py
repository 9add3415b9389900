"""Keyed hashes that separate who voted from what was voted.

The key is derived from BALLOT_SECRET (or SECRET_KEY) and is not stored in the database:
someone with a copy of the database alone cannot link a participation to a ballot.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets

from django.conf import settings
from nacl.secret import SecretBox

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back


def _key(purpose: str) -> bytes:
    return _derived_key(purpose, getattr(settings, "BALLOT_SECRET", "") or settings.SECRET_KEY)


@functools.lru_cache(maxsize=64)
def _derived_key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"hoest.budgets.{purpose}:{secret}".encode()).digest()


def _hmac(purpose: str, message: str) -> str:
    return hmac.digest(_key(purpose), message.encode(), "sha256").hex()


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


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return _hmac("code", normalise_code(code))


def new_voting_code() -> str:
    return new_receipt()  # same shape: 16 unambiguous characters in groups of four


def seal_pending(purpose: str, data: bytes) -> bytes:
    """Data that must wait in the database for a person (a typed paper ballot for its
    confirmation, a key share for its holder), sealed with a key derived from BALLOT_SECRET,
    which is not in the database: a reader of the tables alone learns nothing from it."""
    return bytes(SecretBox(_key(f"pending:{purpose}")).encrypt(data))


def open_pending(purpose: str, sealed: bytes) -> bytes:
    return SecretBox(_key(f"pending:{purpose}")).decrypt(bytes(sealed))


def seal_paper(content: dict) -> bytes:
    return seal_pending("paper-ballot", json.dumps(content, sort_keys=True).encode())


def open_paper(sealed: bytes) -> dict | None:
    return json.loads(open_pending("paper-ballot", sealed)) if sealed else None
