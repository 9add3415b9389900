"""Forms as the Danish design system draws them: radio buttons and checkboxes one by one
after their own input (DKFDS styles `.form-radio + label`), filter forms without
"(optional)" and with "All" as the empty choice, and statuses whose badge says what they mean."""
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from ui.forms import FilterForm
from ui.templatetags.ui import badge


class Decision(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("approved", "Approved"), ("sent_back", "Sent back")])
    districts = forms.MultipleChoiceField(label="Districts", widget=forms.CheckboxSelectMultiple, required=False,
                                          choices=[("1", "Viby"), ("2", "Brabrand")])


def test_radio_buttons_are_design_system_radios_in_a_fieldset():
    html = str(Decision(data={"decision": "sent_back"}))
    assert re.search(r'<fieldset id="id_decision">\s*<legend class="form-label">Decision</legend>', html)
    radios = re.findall(r'<input type="radio"[^>]*>\s*<label class="form-label" for="([^"]+)">([^<]+)</label>', html)
    assert radios == [("id_decision_0", "Approved"), ("id_decision_1", "Sent back")]
    assert html.count('class="form-radio"') == 2
    assert re.search(r'<input type="radio" name="decision" value="sent_back"[^>]*checked', html)
    assert "<label for" not in html  # no input wrapped in its label (DKFDS would hide the circle)


def test_checkboxes_of_a_multiple_choice_are_design_system_checkboxes():
    html = str(Decision(data={"decision": "approved", "districts": ["2"]}))
    assert html.count('class="form-checkbox"') == 2
    assert re.search(r'<div class="form-group-checkbox">\s*<input type="checkbox" name="districts" value="2"'
                     r'[^>]*checked[^>]*>\s*<label class="form-label" for="id_districts_1">Brabrand</label>', html)


def test_an_error_on_a_radio_group_is_tied_to_its_fieldset():
    form = Decision(data={})
    assert not form.is_valid()
    html = str(form)
    assert 'aria-describedby="id_decision_error"' in html
    assert 'href="#id_decision"' in html  # the error summary's link lands on the group


class Filters(FilterForm):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "---------"), ("open", "Open")])


def test_a_filter_form_says_all_not_optional_or_dashes():
    with translation.override("da"):
        html = str(Filters())
    assert "valgfrit" not in html and "---------" not in html
    assert '<option value="" selected>Alle</option>' in html


@pytest.mark.django_db
def test_the_idea_list_filters_say_all(client, municipality):
    with translation.override("en"):
        client.post(reverse("set_language"), {"language": "en"})
        html = client.get(reverse("ideas:list")).content.decode()
    form = html.split('class="hoest-filters"')[1].split("</form>")[0]
    assert "(optional)" not in form and "---------" not in form
    assert form.count('<option value="" selected>All</option>') >= 3  # campaign, category, district


def test_statuses_get_badges_that_carry_their_meaning():
    assert badge("implemented", "idea") == "badge badge-success"
    assert badge("not_pursued", "idea") == "badge badge-error"
    assert badge("under_review", "idea") == "badge badge-warning"
    assert badge("not_feasible", "feasibility") == "badge badge-error"
    assert badge("cancelled", "dinner") == "badge badge-error"
    assert badge("something new", "idea") == "badge badge-neutral"
