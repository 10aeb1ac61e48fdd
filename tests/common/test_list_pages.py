"""The list pattern (common.lists) as a user pages through the roster: every row once, in order,
by the links the page shows, whichever way it is sorted; counts that follow changes; deep pages
that cost what the first does."""

import datetime
import html
import re

import pytest

from cadres.models import Cadre, CadreStatus
from common.lists import cached_count

NAMES = ["Nguyễn Thị Lan", "Trần Văn An", "Lê Thị Bình", "Nguyễn Thị Lan", "Phạm Văn Cường"]
PER_PAGE = 4


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr("cadres.views.cadres.PAGE_SIZE", PER_PAGE)


@pytest.fixture
def roster(tree, make_cadre):
    """15 cadres over three units, with repeated names and birthdays (ties in every sort)."""
    cadres = []
    for index in range(15):
        unit = [tree.commune_a, tree.commune_b, tree.branch_a][index % 3]
        cadres.append(
            make_cadre(
                unit,
                code=["bi-thu", "uv-bch", "pho-bi-thu"][index % 3] if index < 3 else "uv-bch",
                full_name=NAMES[index % len(NAMES)],
                birth_date=datetime.date(1994 + index % 4, 5, 1),
            )
        )
    return cadres


def _rows(page_html: str) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'<td class="card-title-cell name-cell"><a href="/cadres/(\d+)/"', page_html)
    ]


def _link(page_html: str, marker: str) -> str | None:
    match = re.search(r'href="(\?[^"]*)" ' + marker, page_html)
    return html.unescape(match.group(1)) if match else None


def _walk(client, start: str, marker: str) -> tuple[list[int], int]:
    """Follow the links marked ``marker`` from ``start``; the rows in the order they were seen
    and how many pages it took."""
    seen, pages, url = [], 0, start
    while url is not None:
        response = client.get("/cadres/" + url)
        assert response.status_code == 200
        page = response.content.decode()
        rows = _rows(page)
        seen += rows if marker == 'rel="next"' else list(reversed(rows))
        pages += 1
        url = _link(page, marker)
        assert pages < 20, "the links go round in circles"
    return seen, pages


def _expected(user, key, *, reverse=False) -> list[int]:
    """The order computed in Python from the rows themselves, independent of the list code."""
    cadres = list(Cadre.objects.visible_to(user).active().select_related("unit", "position"))
    # Ties keep the order of the primary key, ascending, whichever way the column runs.
    by_pk = sorted(cadres, key=lambda cadre: cadre.pk)
    return [cadre.pk for cadre in sorted(by_pk, key=key, reverse=reverse)]


def _default_order(cadre):
    return (cadre.unit.path, cadre.position.order if cadre.position else 32767, cadre.full_name, cadre.pk)


SORTS = {
    "": (_default_order, False),
    "name": (lambda c: c.full_name, False),
    "-name": (lambda c: c.full_name, True),
    "-birth_date": (lambda c: c.birth_date, True),
    "unit": (lambda c: c.unit.path, False),
}


@pytest.mark.parametrize("sort", list(SORTS))
def test_following_next_lists_every_cadre_once_in_order(client, province_editor, roster, sort):
    client.force_login(province_editor)
    key, reverse = SORTS[sort]

    seen, pages = _walk(client, f"?sort={sort}" if sort else "?", 'rel="next"')

    assert seen == _expected(province_editor, key, reverse=reverse)
    assert pages == 4  # 15 rows, 4 a page


@pytest.mark.parametrize("sort", ["", "-name"])
def test_following_previous_from_the_last_page_lists_them_backwards(client, province_editor, roster, sort):
    client.force_login(province_editor)
    first = client.get("/cadres/", {"sort": sort} if sort else {}).content.decode()
    last = _link(first, 'aria-label="Trang cuối"')

    seen, pages = _walk(client, last, 'rel="prev"')

    key, reverse = SORTS[sort]
    assert list(reversed(seen)) == _expected(province_editor, key, reverse=reverse)
    assert pages == 4
    assert "Hiển thị 13–15 / 15" in client.get("/cadres/" + last).content.decode()


def test_a_page_typed_by_number_shows_what_the_links_show(client, province_editor, roster):
    client.force_login(province_editor)
    linked = _link(client.get("/cadres/").content.decode(), 'rel="next"')

    by_link = client.get("/cadres/" + linked).content.decode()
    by_number = client.get("/cadres/", {"page": 2}).content.decode()

    assert "page=2" in linked and "after=" in linked
    assert _rows(by_link) == _rows(by_number) and len(_rows(by_link)) == PER_PAGE
    assert "Hiển thị 5–8 / 15" in by_link and "Trang 2 / 4" in by_link


def test_an_anchor_outside_the_scope_reveals_nothing(client, commune_editor, roster, tree, make_cadre):
    outsider = make_cadre(tree.other_commune, full_name="Người Ngoài")
    client.force_login(commune_editor)

    page = client.get("/cadres/", {"page": 1, "after": outsider.pk}).content.decode()

    expected = _expected(commune_editor, _default_order)
    assert _rows(page) == expected[:PER_PAGE]
    assert "Người Ngoài" not in page


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "", "1e3"])
def test_a_broken_anchor_is_ignored(client, province_editor, roster, value):
    client.force_login(province_editor)

    response = client.get("/cadres/", {"page": 2, "after": value, "before": value, "last": value})

    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == PER_PAGE


def test_the_count_follows_every_change(client, province_editor, roster, tree, make_cadre):
    client.force_login(province_editor)
    assert 'data-total="15"' in client.get("/cadres/").content.decode()

    make_cadre(tree.commune_a, full_name="Cán Bộ Mới")
    assert 'data-total="16"' in client.get("/cadres/").content.decode()

    archived = roster[0]
    archived.status, archived.left_on = CadreStatus.TRANSFERRED, datetime.date(2025, 1, 1)
    archived.save()
    assert 'data-total="15"' in client.get("/cadres/").content.decode()

    Cadre.objects.filter(pk=roster[1].pk).delete()
    assert 'data-total="14"' in client.get("/cadres/").content.decode()


def test_a_count_is_cached_until_the_data_changes(province_editor, roster, django_assert_num_queries):
    rows = Cadre.objects.visible_to(province_editor).active()
    assert cached_count(rows) == 15

    with django_assert_num_queries(1):  # the version probe only
        assert cached_count(rows) == 15


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_deep_page_costs_the_queries_of_the_first(
    client, province_editor, roster, where, django_assert_max_num_queries
):
    client.force_login(province_editor)
    first = client.get("/cadres/").content.decode()
    urls = {
        "first": "?",
        "middle": _link(client.get("/cadres/" + _link(first, 'rel="next"')).content.decode(), 'rel="next"'),
        "last": _link(first, 'aria-label="Trang cuối"'),
    }
    client.get("/cadres/" + urls[where])  # the count is cached by then, as for a user paging on

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first_page:
        client.get("/cadres/")
    with django_assert_max_num_queries(len(first_page) + 1):  # + the anchor row's key
        client.get("/cadres/" + urls[where])


def test_a_list_that_can_match_nothing_counts_nothing_without_asking(roster, django_assert_num_queries):
    from common.lists import cached_figures

    with django_assert_num_queries(1):  # the version probe; the empty query never runs
        assert cached_count(Cadre.objects.none()) == 0
    assert cached_figures(Cadre.objects.filter(pk__in=[]), lambda rows: rows.count(), name="test") == 0


def test_a_user_who_sees_nothing_gets_an_empty_list(client, tree, roster):
    from tests.factories import UserFactory

    client.force_login(UserFactory(unit=None, role="viewer"))

    response = client.get("/cadres/", {"page": 3, "after": roster[0].pk})

    assert response.status_code == 200 and 'data-total="0"' in response.content.decode()
