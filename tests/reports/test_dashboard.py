import datetime

from django.urls import reverse

from cadres.standards import years_before


def test_it_counts_the_users_scope_and_its_warnings(client, commune_editor, tree, make_cadre):
    today = datetime.date.today()
    make_cadre(tree.commune_a, birth_date=years_before(today, 37), gender="female")
    make_cadre(tree.branch_a, birth_date=years_before(today, 25))
    make_cadre(tree.commune_b, birth_date=years_before(today, 40))
    client.force_login(commune_editor)
    figures = client.get(reverse("reports:dashboard")).context["figures"]
    assert figures["total"] == 2
    assert figures["women"] == 1
    assert figures["over_age"] == 1
    assert figures["near_age"] == 0


def test_it_names_the_warning_period_from_the_setting(client, province_editor, settings):
    settings.AGE_WARNING_MONTHS = 18
    client.force_login(province_editor)

    html = client.get("/").content.decode()

    assert "Sắp quá tuổi (18 tháng)" in html
    assert "12 tháng" not in html
