"""The ballot box's cryptography, without Django: sealed ballots, the council's key shares.

A process's ballot box has one X25519 key pair. A ballot is padded to one length for the
whole process and sealed to the public key (libsodium's sealed box through PyNaCl: an
ephemeral key per ballot, so two ballots with the same choices give unrelated
ciphertexts). The private key is never stored: it is split k of n with Shamir's secret
sharing (pycryptodome, over GF(2^128); the 32-byte key as two 16-byte halves shared at the
same points), and each council member holding a share gets it once, as a file and as 24
printable words (BIP-39, with its checksum catching a mistyped word). Any k shares give the
key back; fewer reveal nothing about it.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
from dataclasses import dataclass

# pycryptodome (maintained) shares the `Crypto` namespace of the abandoned pyCrypto that B413 means.
from Crypto.Protocol.SecretSharing import Shamir  # nosec B413
from mnemonic import Mnemonic
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from ui.numbers import whole_number

from .secrecy import RECEIPT_ALPHABET

KEY_BYTES = 32
MIN_PADDED = 256
SHARE_FILE_KIND = "hoest-ballot-box-key-share"
_words = Mnemonic("english")


class ShareError(ValueError):
    """A key share that cannot be read or used; args[0] is a code that says why
    (budgets.ballotbox turns it into a translated sentence)."""


@dataclass(frozen=True)
class Share:
    index: int  # 1..n: the point on the polynomial, printed on the member's sheet
    secret: bytes  # 32 bytes

    def words(self) -> str:
        return _words.to_mnemonic(self.secret)


@dataclass(frozen=True)
class NewKey:
    public_key: bytes
    shares: list[Share]


def key_split(*, threshold: int, holders: int) -> NewKey:
    """A new key pair; only its public half and the n shares of the private half leave here."""
    if not 2 <= threshold <= holders:
        raise ValueError("need 2 <= threshold <= holders")
    private = PrivateKey.generate()
    raw = bytes(private)
    low = Shamir.split(threshold, holders, raw[:16])
    high = Shamir.split(threshold, holders, raw[16:])
    shares = [Share(index=i, secret=a + b) for (i, a), (j, b) in zip(low, high, strict=True) if i == j]
    if len(shares) != holders:  # pycryptodome numbers both splits 1..n
        raise RuntimeError("the two halves of the key were shared at different points")
    return NewKey(public_key=bytes(private.public_key), shares=shares)


def key_combine(shares: list[Share], public_key: bytes) -> PrivateKey:
    """The private key from shares, checked against the box's public key."""
    low = [(s.index, s.secret[:16]) for s in shares]
    high = [(s.index, s.secret[16:]) for s in shares]
    private = PrivateKey(Shamir.combine(low) + Shamir.combine(high))
    if bytes(private.public_key) != public_key:
        raise ShareError("wrong_key")
    return private


def share_check(box_id: int, share: Share) -> str:
    """A hash of one share, kept so that a wrong share can be named without holding any."""
    return hashlib.sha256(b"hoest-share:%d:%d:" % (box_id, share.index) + share.secret).hexdigest()


def share_file(share: Share, *, box_id: int, process_id: int, title: str, holder: str, threshold: int,
               holders: int, public_key: bytes) -> bytes:
    return json.dumps({
        "kind": SHARE_FILE_KIND, "version": 1, "box": box_id, "process": process_id, "title": title,
        "holder": holder, "index": share.index, "threshold": threshold, "holders": holders,
        "share": base64.b64encode(share.secret).decode(), "words": share.words(),
        "public_key": base64.b64encode(public_key).decode()}, ensure_ascii=False, indent=2).encode()


def share_read(text: str) -> Share:
    """A share from a share file's text or from its number and words ("2 abandon ability …")."""
    text = (text or "").strip()
    if not text:
        raise ShareError("empty")
    if text.startswith("{"):
        try:
            data = json.loads(text)
            if data.get("kind") != SHARE_FILE_KIND:
                raise ShareError("not_a_file")
            secret = base64.b64decode(data["share"], validate=True)
            index = int(data["index"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ShareError("not_a_file") from exc
    else:
        tokens = text.replace(",", " ").split()
        index = whole_number(tokens[0])
        if index is None:
            raise ShareError("no_number")
        words = " ".join(t.lower() for t in tokens[1:])
        if len(tokens) - 1 != 24:
            raise ShareError("word_count")
        if not set(words.split()) <= set(_words.wordlist):
            raise ShareError("unknown_word")
        if not _words.check(words):
            raise ShareError("checksum")
        secret = bytes(_words.to_entropy(words))
    if len(secret) != KEY_BYTES or not 1 <= index <= 255:
        raise ShareError("not_a_share")
    return Share(index=index, secret=secret)


def padded_length(longest: int) -> int:
    """One length for every ballot of a process (the next power of two that holds its longest
    possible ballot), so a ciphertext's size says nothing about what was chosen."""
    size = MIN_PADDED
    while size < longest + 1:
        size *= 2
    return size


# What json.dumps(content, separators=(",", ":"), sort_keys=True) builds for every call,
# built once: a ballot's plain text, compact with sorted keys.
_plain_text = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode


@functools.lru_cache(maxsize=64)
def _sealed_box(public_key: bytes) -> SealedBox:
    """The sealed box of a ballot box's public key: it keeps only the key (every ballot gets
    its own ephemeral key pair in `encrypt`), so one serves every ballot of the process."""
    return SealedBox(PublicKey(public_key))


def seal(public_key: bytes, content: dict, length: int) -> bytes:
    plain = _plain_text(content).encode()
    if len(plain) >= length:
        raise ValueError("ballot longer than the box's padded length")
    # JSON never contains a NUL byte: the padding is stripped at the first one.
    return _sealed_box(bytes(public_key)).encrypt(plain + b"\0" * (length - len(plain)))


def unseal(private: PrivateKey, ciphertext: bytes) -> dict:
    try:
        plain = SealedBox(private).decrypt(bytes(ciphertext))
    except CryptoError as exc:
        raise ShareError("ballot") from exc
    return json.loads(plain.split(b"\0", 1)[0])


# Base 32 (RFC 4648) spells 5 bits at a time, most significant first, in its own alphabet:
# the receipt alphabet in its place gives the receipt's letters.
_TO_RECEIPT_ALPHABET = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", RECEIPT_ALPHABET.encode())


def receipt_of(ciphertext: bytes) -> str:
    """The voter's receipt: 80 bits of the ciphertext's SHA-256 in the receipt alphabet. It
    proves the sealed ballot is in the box and on the bulletin board, never what it says."""
    digest = hashlib.sha256(bytes(ciphertext)).digest()
    return base64.b32encode(digest[:10]).translate(_TO_RECEIPT_ALPHABET).decode()


def receipt_display(receipt: str) -> str:
    return "-".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))


def shuffled(items: list) -> list:
    """A uniformly random order from the system's random source."""
    items = list(items)
    secrets.SystemRandom().shuffle(items)
    return items


def key_fingerprint(public_key: bytes) -> str:
    """A public key as people compare it: SHA-256, the first 16 bytes in groups of four hex."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))
