"""common/templatetags/lists.py and the pagination bar."""

from django.template import Context, Template
from django.template.loader import render_to_string

from common.lists import ListPage


def render(source: str, request, **context) -> str:
    return Template("{% load lists %}" + source).render(Context({"request": request, **context}))


def test_url_with_replaces_one_parameter_and_keeps_the_others(rf):
    request = rf.get("/cadres/", {"q": "lan", "unit": "7", "page": "3"})

    assert render("{% url_with page=4 %}", request) == "?q=lan&amp;unit=7&amp;page=4"


def test_url_with_none_removes_a_parameter(rf):
    request = rf.get("/cadres/", {"q": "lan", "page": "3"})

    assert render("{% url_with page=None %}", request) == "?q=lan"


def test_a_sort_header_sorts_by_its_column_and_back_to_the_first_page(rf):
    request = rf.get("/cadres/", {"q": "lan", "page": "3"})

    html = render('{% sort_header "name" "Họ và tên" %}', request)

    assert html == '<a href="?q=lan&amp;sort=name" aria-sort="none">Họ và tên</a>'


def test_a_second_click_on_a_sort_header_reverses_and_a_third_restores(rf):
    ascending = render('{% sort_header "name" "Họ và tên" %}', rf.get("/", {"sort": "name"}))
    descending = render('{% sort_header "name" "Họ và tên" %}', rf.get("/", {"sort": "-name"}))

    assert 'href="?sort=-name"' in ascending and 'aria-sort="ascending"' in ascending
    assert "bi-sort-up" in ascending
    assert 'href="?sort=name"' in descending and 'aria-sort="descending"' in descending
    assert "bi-sort-down" in descending


def test_a_sort_header_of_another_column_is_not_marked(rf):
    html = render('{% sort_header "unit" "Đơn vị" %}', rf.get("/", {"sort": "name"}))

    assert 'href="?sort=unit"' in html and 'aria-sort="none"' in html and "bi-sort" not in html


def test_a_sort_header_escapes_its_label(rf):
    html = render("{% sort_header 'name' label %}", rf.get("/"), label="<b>Tên</b>")

    assert "&lt;b&gt;Tên&lt;/b&gt;" in html and "<b>" not in html


def test_highlight_marks_the_words_searched_without_accents(rf):
    html = render("{{ name|highlight:q }}", rf.get("/"), name="Nguyễn Thị Đào", q="nguyen dao")

    assert html == "<mark>Nguyễn</mark> Thị <mark>Đào</mark>"


def test_highlight_escapes_the_text(rf):
    html = render("{{ name|highlight:q }}", rf.get("/"), name="<script>Lan</script> & Lan", q="lan")

    assert html == "&lt;script&gt;<mark>Lan</mark>&lt;/script&gt; &amp; <mark>Lan</mark>"


def test_highlight_without_a_search_leaves_the_text_escaped(rf):
    html = render("{{ name|highlight:q }}", rf.get("/"), name="<i>Lan</i>", q="")

    assert html == "&lt;i&gt;Lan&lt;/i&gt;"


def test_the_roster_library_still_offers_the_list_tags(rf):
    html = Template("{% load roster %}{% url_with page=2 %} {{ 'Lan'|highlight:'lan' }}").render(
        Context({"request": rf.get("/", {"q": "lan"})})
    )

    assert html == "?q=lan&amp;page=2 <mark>Lan</mark>"


def _page(number: int, count: int, per_page: int = 20, links=None) -> ListPage:
    rows = list(range((number - 1) * per_page, min(count, number * per_page)))
    return ListPage(rows, number, count, per_page, links or {})


def test_the_pagination_bar_links_pages_with_the_filters_kept(rf):
    links = {
        "first": {"page": None, "after": None, "before": None, "last": None},
        "previous": {"page": 2, "after": None, "last": None, "before": 40},
        "next": {"page": 4, "before": None, "last": None, "after": 59},
        "last": {"page": 5, "after": None, "before": None, "last": 1},
    }
    request = rf.get("/cadres/", {"q": "lan", "page": "3", "after": "39"})

    html = render_to_string(
        "common/includes/_pagination.html", {"page": _page(3, 95, links=links), "request": request}
    )

    assert "Hiển thị 41–60 / 95" in html and "Trang 3 / 5" in html
    assert 'href="?q=lan&amp;page=2&amp;before=40" rel="prev"' in html
    assert 'href="?q=lan&amp;page=4&amp;after=59" rel="next"' in html
    assert 'href="?q=lan" aria-label="Trang đầu"' in html
    assert 'href="?q=lan&amp;page=5&amp;last=1" aria-label="Trang cuối"' in html


def test_a_single_page_has_no_pagination_bar(rf):
    html = render_to_string("common/includes/_pagination.html", {"page": _page(1, 5), "request": rf.get("/")})

    assert html.strip() == ""


def test_the_old_pagination_include_shows_the_same_bar(rf):
    links = {"next": {"page": 2, "after": 19}, "last": {"page": 5, "last": 1}}
    context = {"page": _page(1, 95, links=links), "request": rf.get("/")}

    old = render_to_string("includes/_pagination.html", context)

    assert old.strip() == render_to_string("common/includes/_pagination.html", context).strip()
    assert "Trang 1 / 5" in old


def test_a_filter_field_has_its_label_control_and_error_linked_for_assistive_technology(rf):
    from django import forms

    from common.widgets import Select

    class Filters(forms.Form):
        age = forms.IntegerField(label="Tuổi từ", required=False)
        gender = forms.ChoiceField(
            label="Giới tính", choices=[("", "Tất cả"), ("f", "Nữ")], required=False, widget=Select
        )

    form = Filters({"age": "abc", "gender": "f"})
    form.is_valid()

    age = render("{{ form.age|list_field }}", rf.get("/"), form=form)
    gender = render("{{ form.gender|list_field }}", rf.get("/"), form=form)

    assert '<label for="id_age" class="form-label">Tuổi từ</label>' in age
    assert 'class="numberinput form-control is-invalid"' in age
    assert 'aria-invalid="true"' in age and 'aria-describedby="id_age_error"' in age
    assert '<div id="id_age_error" class="invalid-feedback"><p><strong>' in age
    assert str(form.errors["age"][0]) in age
    assert 'class="select form-select"' in gender and "is-invalid" not in gender
    assert '<option value="f" selected>Nữ</option>' in gender


def test_choice_labels_give_each_rows_labels_from_one_dictionary(db):
    from cadres.models import Cadre
    from common.lists import ChoiceLabels

    labels = ChoiceLabels(Cadre, "gender", "status")
    cadre = Cadre(gender="female", status="resigned")

    assert labels.of(cadre) == {"gender": cadre.get_gender_display(), "status": cadre.get_status_display()}
    assert labels.of(Cadre(gender="unknown", status="active"))["gender"] == "unknown"
