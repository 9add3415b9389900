"""Receipt and voting codes: 16 letters people can read aloud, unpredictable and unbiased."""
import hashlib
import hmac
import json
import re
from collections import Counter

from django.conf import settings as settings_
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey, SealedBox

from budgets import sealing, secrecy


def test_receipts_are_four_groups_of_four_unambiguous_letters_and_never_repeat():
    receipts = [secrecy.new_receipt() for _ in range(2000)]
    assert all(re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", r) for r in receipts)
    assert len(set(receipts)) == len(receipts)


def test_every_letter_is_as_likely_as_any_other():
    letters = Counter(ch for _ in range(4000) for ch in secrecy.new_receipt().replace("-", ""))
    assert set(letters) == set(secrecy.RECEIPT_ALPHABET)
    expected = 4000 * 16 / 32  # 2,000 each; a biased pick (e.g. byte % 31) would be far off
    assert all(abs(n - expected) < 0.12 * expected for n in letters.values()), letters


# The ballot path's receipt, voter hash and sealed text are computed with shortcuts (base 32,
# one-shot HMAC, one JSON encoder); they must give what the plain formulas give.
@given(st.binary(min_size=1, max_size=600))
@settings(max_examples=300)
def test_a_ballots_receipt_is_80_bits_of_its_hash_in_the_receipt_alphabet(ciphertext):
    bits = int.from_bytes(hashlib.sha256(ciphertext).digest()[:10], "big")
    plain = "".join(secrecy.RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(15, -1, -1))
    assert sealing.receipt_of(ciphertext) == plain


@given(st.integers(min_value=1, max_value=10**9), st.text(max_size=60), st.sampled_from(["", "nordby"]))
@settings(max_examples=200)
def test_the_voter_hash_is_the_plain_hmac(process_id, identity, scope):
    key = hashlib.sha256(f"hoest.budgets.voter:{settings_.BALLOT_SECRET or settings_.SECRET_KEY}".encode()).digest()
    message = f"{process_id}:{identity}" if not scope else f"{process_id}/{scope}:{identity}"
    assert secrecy.voter_hash(process_id, identity, scope) == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_the_voter_hash_follows_a_changed_secret(settings):
    before = secrecy.voter_hash(1, "user:1")
    settings.BALLOT_SECRET = "another secret"
    assert secrecy.voter_hash(1, "user:1") != before


@given(st.dictionaries(st.sampled_from(["projects", "ranking", "points"]),
                       st.lists(st.text(alphabet="ABCP0123456789.-_", min_size=1, max_size=8), max_size=6)))
def test_a_sealed_ballot_opens_to_its_compact_sorted_json(content):
    private = PrivateKey.generate()
    sealed = sealing.seal(bytes(private.public_key), content, 256)
    assert len(sealed) == 256 + 48
    plain = SealedBox(private).decrypt(sealed)
    assert plain.rstrip(b"\0") == json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    assert sealing.unseal(private, sealed) == content
