"""common.widgets: the markup static/js/app.js enhances."""

import datetime

from django import forms

from common.widgets import DateInput, SearchableSelect, SearchableSelectMultiple

CHOICES = [("", "Tất cả"), ("kinh", "Kinh"), ("tay", "Tày")]


def test_a_date_input_is_a_date_field_with_an_iso_value():
    html = DateInput().render("born", datetime.date(1995, 3, 5))

    assert 'type="date"' in html and 'value="1995-03-05"' in html


def test_a_date_field_accepts_what_the_date_input_sends():
    class Form(forms.Form):
        born = forms.DateField(widget=DateInput())

    form = Form({"born": "1995-03-05"})

    assert form.is_valid() and form.cleaned_data["born"] == datetime.date(1995, 3, 5)


def test_a_searchable_select_is_marked_for_the_script_and_keeps_its_attributes():
    html = SearchableSelect(attrs={"class": "form-select"}, choices=CHOICES).render("ethnicity", "tay")

    assert html.startswith("<select") and "data-searchable" in html and 'class="form-select"' in html
    assert '<option value="tay" selected>Tày</option>' in html
    assert "multiple" not in html


def test_a_searchable_multiple_select_allows_several_choices():
    html = SearchableSelectMultiple(choices=CHOICES[1:]).render("ethnicities", ["kinh", "tay"])

    assert "data-searchable" in html and "multiple" in html
    assert html.count("selected") == 2


def test_the_widgets_do_not_share_their_attributes():
    marked = SearchableSelect(attrs={"id": "one"})

    assert SearchableSelect().attrs == {"data-searchable": ""}
    assert marked.attrs == {"data-searchable": "", "id": "one"}
