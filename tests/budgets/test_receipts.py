"""Receipt and voting codes: 16 letters people can read aloud, unpredictable and unbiased."""
import re
from collections import Counter

from budgets import secrecy


def test_receipts_are_four_groups_of_four_unambiguous_letters_and_never_repeat():
    receipts = [secrecy.new_receipt() for _ in range(2000)]
    assert all(re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", r) for r in receipts)
    assert len(set(receipts)) == len(receipts)


def test_every_letter_is_as_likely_as_any_other():
    letters = Counter(ch for _ in range(4000) for ch in secrecy.new_receipt().replace("-", ""))
    assert set(letters) == set(secrecy.RECEIPT_ALPHABET)
    expected = 4000 * 16 / 32  # 2,000 each; a biased pick (e.g. byte % 31) would be far off
    assert all(abs(n - expected) < 0.12 * expected for n in letters.values()), letters
