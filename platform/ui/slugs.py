"""Slugs for addresses, from Danish, Norwegian and other names.

Django's slugify drops letters that Unicode does not decompose into an ASCII base, so
"Trøjborg" would become "trjborg" and "Łódź" "odz": they are transliterated first.
"""
from django.utils.text import slugify

TRANSLITERATE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                               "đ": "d", "Đ": "D", "ß": "ss", "þ": "th", "Þ": "Th", "ð": "d"})


def slug_of(text: str) -> str:
    return slugify(text.translate(TRANSLITERATE))
