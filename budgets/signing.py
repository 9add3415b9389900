"""The key that signs the council's results: Ed25519, kept outside the database.

The private key is a 32-byte seed from the setting RESULT_SIGNING_KEY (64 hex digits or
base64) or from the file RESULT_SIGNING_KEY_FILE names. Someone who can write to the
database, but has neither the settings nor that file, cannot sign a result, so a result
they changed no longer verifies. Production settings refuse to start without the key;
development and tests derive one from SECRET_KEY (see `_seed`).

This module imports nothing of Django's models, so settings may use `parse_seed`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

ALGORITHM = "Ed25519"
SEED_BYTES = 32


def parse_seed(text: str) -> bytes:
    """A 32-byte Ed25519 seed from 64 hex digits or from base64 (standard or URL-safe)."""
    text = text.strip()
    if len(text) == 2 * SEED_BYTES:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(text.translate(str.maketrans("-_", "+/")) + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != SEED_BYTES:
        raise ValueError("the result signing key must be a 32-byte Ed25519 seed, written as 64 hex digits or "
                         "in base64 (e.g. python -c \"import secrets; print(secrets.token_hex(32))\")")
    return raw


def read_seed(key: str, key_file: str) -> bytes | None:
    """The seed from the setting's value, else from the file it names; None if neither is set."""
    if key:
        return parse_seed(key)
    if key_file:
        return parse_seed(Path(key_file).read_text(encoding="utf-8"))
    return None


def _seed() -> bytes:
    seed = read_seed(getattr(settings, "RESULT_SIGNING_KEY", ""), getattr(settings, "RESULT_SIGNING_KEY_FILE", ""))
    if seed is not None:
        return seed
    # Development and tests only: production settings refuse to start without a key of its
    # own (config.settings.production). Derived from SECRET_KEY so that a fresh checkout signs
    # and verifies results with no setup, and signs with the same key after a restart. Anyone
    # who knows SECRET_KEY can sign with this key: it proves nothing about a real vote.
    return hashlib.sha256(f"hoest.budgets.result-signing:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _signing_key(seed: bytes) -> SigningKey:
    return SigningKey(seed)


def signing_key() -> SigningKey:
    return _signing_key(_seed())


def public_key_hex() -> str:
    return bytes(signing_key().verify_key).hex()


def trusted_public_keys() -> list[str]:
    """This site's public key first, then earlier ones still trusted for results signed
    before a change of key (RESULT_SIGNING_OLD_PUBLIC_KEYS)."""
    old = [k.strip().lower() for k in getattr(settings, "RESULT_SIGNING_OLD_PUBLIC_KEYS", []) if k.strip()]
    return list(dict.fromkeys([public_key_hex(), *old]))


def sign(data: bytes) -> tuple[str, str]:
    """(signature, public key), both hex, of `data` signed with this site's key."""
    key = signing_key()
    return key.sign(data).signature.hex(), bytes(key.verify_key).hex()


def verify(data: bytes, signature_hex: str, public_key_hex_: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(public_key_hex_)).verify(data, bytes.fromhex(signature_hex))
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True
