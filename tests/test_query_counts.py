"""Every page ``make bench`` measures runs the same number of queries whatever the size of the
data: measured at two sizes, the larger may not take more."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGES = [
    "/cadres/",
    "/cadres/?page=2",
    "/cadres/?page=3&last=1",
    "/cadres/?warning=over_age",
    "/cadres/?warning=below_standard",
    "/cadres/?q=nguyen+lan",
    "/units/",
    "/",
]


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr("cadres.views.cadres.PAGE_SIZE", 3)


def _queries(client, path: str) -> int:
    client.get(path)  # counts and figures cached, as for a user who stays on the page
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _add(make_cadre, tree, count: int, start: int) -> None:
    units = [tree.commune_a, tree.commune_b, tree.branch_a, tree.district_commune]
    for index in range(start, start + count):
        make_cadre(
            units[index % len(units)],
            full_name=f"Nguyễn Thị Lan {index}",
            birth_date=datetime.date(1985 + index % 15, 3, 1),
            education=index % 8,
        )


@pytest.mark.parametrize("path", PAGES)
def test_a_page_runs_as_many_queries_with_five_times_the_data(
    client, province_editor, tree, make_cadre, path
):
    client.force_login(province_editor)
    _add(make_cadre, tree, 8, 0)
    small = _queries(client, path)

    _add(make_cadre, tree, 32, 8)

    assert _queries(client, path) <= small
