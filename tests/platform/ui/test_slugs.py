"""Addresses keep the letters of Danish, Norwegian and Polish names readable."""
from ui.slugs import slug_of


def test_names_keep_their_letters_in_the_slug():
    assert slug_of("Trøjborg") == "trojborg"
    assert slug_of("Ærø Kommune") == "aero-kommune"
    assert slug_of("Łódź 2022") == "lodz-2022"
    assert slug_of("Åbyhøj") == "abyhoj"
