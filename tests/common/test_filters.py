"""common.filters: every select starts at "Tất cả", whose empty value filters nothing."""

from html.parser import HTMLParser

import django_filters
import pytest

from cadres.models import Cadre, Education, Gender, Position
from common.filters import (
    ANY,
    ChoiceFilter,
    LevelFilter,
    ModelChoiceFilter,
    TypedChoiceFilter,
    describe_filters,
    filter_errors,
)
from tests.factories import CadreFactory


class PeopleFilter(django_filters.FilterSet):
    gender = ChoiceFilter(choices=Gender.choices, label="Giới tính")
    position = ModelChoiceFilter(queryset=Position.objects.all(), label="Chức vụ")
    education = LevelFilter(choices=Education.choices, label="Chuyên môn")
    education_from = LevelFilter(
        field_name="education", lookup_expr="gte", choices=Education.choices, label="Chuyên môn từ"
    )
    born = TypedChoiceFilter(
        field_name="birth_date__year",
        choices=lambda: [(1990, "1990"), (1995, "1995")],
        coerce=int,
        label="Năm",
    )
    sort = django_filters.OrderingFilter(fields=["full_name"], label="Sắp xếp")

    class Meta:
        model = Cadre
        fields = []


class Selects(HTMLParser):
    """The options of every select: {name: [(value, label), …]}."""

    def __init__(self, html: str):
        super().__init__()
        self.selects: dict[str, list[list[str]]] = {}
        self._name = None
        self._in_option = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._name = attrs["name"]
            self.selects[self._name] = []
        elif tag == "option":
            self.selects[self._name].append([attrs.get("value", ""), ""])
            self._in_option = True

    def handle_data(self, data):
        if self._in_option:
            self.selects[self._name][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._name = None
        elif tag == "option":
            self._in_option = False


@pytest.fixture
def people(tree):
    return [
        CadreFactory(unit=tree.commune_a, gender=Gender.FEMALE, education=Education.BACHELOR),
        CadreFactory(unit=tree.commune_a, gender=Gender.MALE, education=Education.NONE),
        CadreFactory(unit=tree.commune_b, gender=Gender.MALE, education=Education.MASTER),
    ]


def test_every_select_starts_at_tat_ca_with_an_empty_value(db, settings):
    # Not thanks to the project-wide label: the filters add the choice themselves.
    settings.FILTERS_EMPTY_CHOICE_LABEL = "---------"

    selects = Selects(PeopleFilter(queryset=Cadre.objects.all()).form.as_p()).selects

    assert set(selects) == {"gender", "position", "education", "education_from", "born", "sort"}
    for name, options in selects.items():
        if name != "sort":
            assert options[0] == ["", ANY], name
            assert [value for value, _ in options].count("") == 1, name


def test_an_empty_value_filters_nothing(people):
    empty = dict.fromkeys(["gender", "position", "education", "education_from", "born"], "")

    filterset = PeopleFilter(empty, queryset=Cadre.objects.all())

    assert filterset.is_valid()
    assert filterset.qs.count() == 3


def test_a_choice_filters(people):
    filterset = PeopleFilter({"gender": Gender.MALE}, queryset=Cadre.objects.all())

    assert set(filterset.qs) == {people[1], people[2]}


def test_a_level_compares_as_a_number_and_its_lowest_value_still_filters(people):
    at_least = PeopleFilter({"education_from": Education.BACHELOR}, queryset=Cadre.objects.all())
    lowest = PeopleFilter({"education": Education.NONE}, queryset=Cadre.objects.all())

    assert set(at_least.qs) == {people[0], people[2]}
    assert list(lowest.qs) == [people[1]]


def test_callable_choices_get_tat_ca_first_too(people):
    filterset = PeopleFilter({"born": "1995"}, queryset=Cadre.objects.all())

    assert filterset.form.fields["born"].choices[0] == ("", ANY)
    assert filterset.qs.count() == 3  # the factory's birth year


def test_a_filter_cannot_drop_the_tat_ca_choice():
    with pytest.raises(TypeError):
        ChoiceFilter(choices=Gender.choices, empty_label=None)


def test_it_describes_the_filters_in_force_with_their_labels(people):
    filterset = PeopleFilter(
        {"gender": Gender.FEMALE, "education": "", "education_from": Education.BACHELOR, "sort": "full_name"},
        queryset=Cadre.objects.all(),
    )

    assert describe_filters(filterset) == ["Giới tính: Nữ", "Chuyên môn từ: Đại học"]


def test_it_puts_a_bad_filters_errors_in_one_line(db):
    filterset = PeopleFilter({"gender": "robot"}, queryset=Cadre.objects.all())

    assert not filterset.is_valid()
    assert filter_errors(filterset).startswith("Giới tính: ")
    assert describe_filters(filterset) == []
