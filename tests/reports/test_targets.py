"""The targets' pages: the list with actual figures and status, the cadres behind a figure, and
adding, editing and deleting a target, with their refusals (viewer 403, other unit 404, bad
input → message and nothing saved, stale edit refused, plan sent up → locked)."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Education
from common.dates import today
from reports.models import AnnualPlan, PlanStatus, Target
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus

YEAR = today().year
LIST = reverse("reports:targets")
CREATE = reverse("reports:target-create")


def make_target(
    unit, metric="secretary_degree_share", *, year=YEAR, order=1, goal=100, params=None, **fields
):
    target = Target(
        unit=unit,
        year=year,
        order=order,
        text=fields.pop("text", f"Chỉ tiêu {order}: {metric}"),
        metric=metric,
        params=params or {},
        goal=goal,
        **fields,
    )
    target.full_clean()
    target.save()
    return target


def target_data(target=None, **changes) -> dict:
    data = {
        "text": "100% cán bộ chuyên trách tham gia ít nhất 02 hoạt động nâng cao năng lực",
        "order": "3",
        "metric": "activity_share",
        "comparison": "gte",
        "goal": "100",
        "activity_share__categories": ["language", "digital"],
        "activity_share__min_activities": "2",
        "activity_share__employment": ["full_time"],
    }
    if target is not None:
        data["version"] = str(target.version)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


# --- The list ------------------------------------------------------------------------------------


def test_it_lists_the_units_targets_with_their_figures_and_status(client, province_editor, tree, make_cadre):
    make_cadre(tree.commune_a, code="bi-thu", education=Education.BACHELOR)
    make_cadre(tree.commune_b, code="bi-thu", education=Education.COLLEGE)
    degree = make_target(tree.province, goal=100, order=1, text="100% Bí thư Đoàn xã đạt trình độ đại học")
    half = make_target(tree.province, goal=50, order=2, text="Ít nhất 50% Bí thư có bằng đại học")
    make_target(tree.commune_a, order=1, text="Chỉ tiêu của xã")  # another unit's
    make_target(tree.province, year=YEAR - 1, order=1, text="Chỉ tiêu năm trước")  # another year

    response = page(client, province_editor, LIST)

    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row.target.pk for row in rows] == [degree.pk, half.pk]
    assert [row.figure.text for row in rows] == ["50,0% (1/2)", "50,0% (1/2)"]
    assert [row.goal for row in rows] == ["≥ 100%", "≥ 50%"]
    assert [row.status.label for row in rows] == ["Đang thực hiện", "Đạt"]
    assert "Chỉ tiêu của xã" not in html and "Chỉ tiêu năm trước" not in html
    assert f'href="/reports/targets/{degree.pk}/"' in html
    assert reverse("reports:target-edit", args=[degree.pk]) in html
    assert reverse("reports:target-delete", args=[degree.pk]) in html


def test_a_past_years_unmet_target_is_missed(client, province_editor, tree):
    make_target(tree.province, "course_completions", year=YEAR - 1, goal=3)
    response = page(client, province_editor, LIST, data={"year": YEAR - 1, "unit": tree.province.pk})
    (row,) = response.context["rows"]
    assert (row.figure.text, row.goal, row.status.label) == ("0 người", "≥ 3 người", "Chưa đạt")
    assert 'data-status="missed"' in response.content.decode()


def test_it_shows_an_empty_state_with_an_add_button(client, commune_editor, tree):
    response = page(client, commune_editor, LIST)
    html = response.content.decode()
    assert response.context["unit"] == tree.commune_a
    assert 'id="no-targets"' in html
    assert f"{CREATE}?unit={tree.commune_a.pk}&amp;year={YEAR}" in html


def test_a_viewer_sees_the_figures_without_the_edit_buttons(client, viewer, tree):
    target = make_target(tree.province)
    html = page(client, viewer, LIST).content.decode()
    assert f'data-target="{target.pk}"' in html
    assert reverse("reports:target-edit", args=[target.pk]) not in html
    assert 'id="target-create"' not in html


def test_a_unit_outside_the_scope_is_not_found(client, commune_editor, tree):
    assert page(client, commune_editor, LIST, data={"unit": tree.commune_b.pk}).status_code == 404
    assert page(client, commune_editor, LIST, data={"unit": 10**12}).status_code == 200  # not an id: ignored


def test_bad_filters_give_a_message_and_the_defaults(client, commune_editor, tree):
    response = page(client, commune_editor, LIST, data={"year": "1999", "unit": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Năm: Năm phải từ 2000 đến 2100." in html
    assert "Đơn vị: Chọn một đơn vị trong danh sách." in html
    assert (response.context["unit"], response.context["year"]) == (tree.commune_a, YEAR)


def test_the_lists_query_count_does_not_grow_with_the_data(
    client, province_editor, tree, make_cadre, django_assert_max_num_queries
):
    from reports.metrics import CATALOGUE

    for order, key in enumerate(CATALOGUE, start=1):
        make_target(tree.province, key, order=order)
    client.force_login(province_editor)
    client.get(LIST)  # sessions, caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from common.models import Snapshot

        Snapshot.objects.all().delete()  # every figure computed (reports.snapshots)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    small = count()
    kind = CourseKind.objects.get(code="hoc-tap-nghi-quyet")
    course = Course.objects.create(
        kind=kind,
        organiser=tree.province,
        name="Học tập nghị quyết",
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 1),
        status=CourseStatus.FINISHED,
    )
    for n in range(30):
        cadre = make_cadre(tree.commune_a if n % 2 else tree.branch_b, code="bi-thu" if n % 3 else "uv-bch")
        Enrollment.objects.create(course=course, cadre=cadre, status=EnrollmentStatus.COMPLETED)
    assert count() <= small


# --- Adding ----------------------------------------------------------------------------------------


def test_it_adds_a_target_with_its_parameters(client, province_editor, tree):
    client.force_login(province_editor)
    form = client.get(CREATE, data={"unit": tree.commune_a.pk, "year": YEAR + 1})
    assert form.status_code == 200
    assert form.context["form"]["order"].value() == 1
    html = form.content.decode()
    assert 'data-metric-params="secondment_share"' in html and "js/target-form.js" in html

    response = client.post(f"{CREATE}?unit={tree.commune_a.pk}&year={YEAR + 1}", target_data(goal="85,5"))

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?year={YEAR + 1}&unit={tree.commune_a.pk}"
    target = Target.objects.get()
    assert (target.unit, target.year, target.order, str(target.goal)) == (
        tree.commune_a,
        YEAR + 1,
        3,
        "85.50",
    )
    assert target.params == {
        "categories": ["language", "digital"],
        "min_activities": 2,
        "employment": ["full_time"],
        "unit_levels": [],
    }


def test_only_the_chosen_metrics_parameters_are_read(client, province_editor, tree):
    client.force_login(province_editor)
    data = target_data(
        **{"secondment_share__min_months": "nhiều", "secondment_share__positions": ["khong-co"]}
    )
    assert client.post(CREATE, data).status_code == 302
    assert Target.objects.get().metric == "activity_share"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activity_share__min_activities": "0"}, "Phải từ 1 trở lên."),
        ({"activity_share__min_activities": "hai"}, "Nhập một số nguyên."),
        ({"activity_share__categories": None}, "Chọn ít nhất một."),
        ({"activity_share__categories": ["cooking"]}, "“cooking” không có trong danh sách."),
        ({"metric": "no_such_metric"}, "Cách tính này không có trong danh mục."),
        ({"metric": ""}, "Chọn cách tính số liệu thực tế."),
        ({"goal": "120"}, "Chỉ tiêu tỷ lệ: mục tiêu không quá 100 (%)."),
        ({"goal": "-1"}, "Mục tiêu không được âm."),
        ({"goal": "nhiều"}, "Nhập một số, ví dụ 100 hoặc 85,5."),
        ({"goal": "1" * 30}, "Mục tiêu quá lớn."),
        ({"text": ""}, "Nhập câu chỉ tiêu như ghi trong kế hoạch."),
        ({"text": "x" * 2001}, "Câu chỉ tiêu dài quá 2000 ký tự"),
        ({"order": "0"}, "Thứ tự phải từ 1 trở lên."),
        ({"order": "99999999999999999999"}, "Thứ tự không quá 999."),
        ({"comparison": "eq"}, "Chọn “Đạt ít nhất” hoặc “Không vượt quá”."),
    ],
)
def test_bad_input_gives_a_message_and_saves_nothing(client, province_editor, tree, changes, message):
    client.force_login(province_editor)
    response = client.post(CREATE, target_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_count_may_have_a_goal_above_a_hundred(client, province_editor, tree):
    client.force_login(province_editor)
    data = target_data(
        metric="course_completions", goal="150", course_completions__categories=["political_theory"]
    )
    assert client.post(CREATE, data).status_code == 302
    assert Target.objects.get().params == {"categories": ["political_theory"], "course_kinds": []}


def test_a_viewer_may_not_add(client, viewer, tree):
    assert page(client, viewer, CREATE).status_code == 403
    client.force_login(viewer)
    assert client.post(CREATE, target_data()).status_code == 403
    assert not Target.objects.exists()


def test_a_unit_outside_the_scope_gets_no_targets(client, commune_editor, tree):
    client.force_login(commune_editor)
    assert client.get(CREATE, data={"unit": tree.province.pk}).status_code == 404
    assert client.post(f"{CREATE}?unit={tree.other_commune.pk}", target_data()).status_code == 404
    assert not Target.objects.exists()


def test_a_bad_year_in_the_address_is_this_year(client, commune_editor, tree):
    client.force_login(commune_editor)
    assert client.post(f"{CREATE}?year=99999&unit=x", target_data()).status_code == 302
    assert (Target.objects.get().year, Target.objects.get().unit) == (YEAR, tree.commune_a)


def test_targets_of_a_plan_sent_up_are_locked(client, commune_editor, tree):
    AnnualPlan.objects.create(
        unit=tree.commune_a,
        year=YEAR,
        issuer="BCH ĐOÀN XÃ",
        place="An Bình",
        subject="Công tác cán bộ",
        status=PlanStatus.SUBMITTED,
    )
    target = make_target(tree.commune_a)
    client.force_login(commune_editor)
    response = client.post(f"{CREATE}?unit={tree.commune_a.pk}&year={YEAR}", target_data(), follow=True)
    assert "Kế hoạch đã gửi cấp trên" in response.content.decode()
    assert Target.objects.count() == 1
    assert client.post(reverse("reports:target-delete", args=[target.pk])).status_code == 302
    assert Target.objects.count() == 1
    listing = client.get(LIST).content.decode()
    assert (
        'id="targets-locked"' in listing and reverse("reports:target-edit", args=[target.pk]) not in listing
    )


# --- Editing and deleting ----------------------------------------------------------------------


def test_it_edits_a_target(client, province_editor, tree):
    target = make_target(
        tree.commune_a, params={"positions": ["bi-thu"], "unit_kinds": [], "min_education": 4}
    )
    url = reverse("reports:target-edit", args=[target.pk])
    client.force_login(province_editor)
    form = client.get(url).context["form"]
    assert form["secretary_degree_share__min_education"].value() == "4"

    response = client.post(url, target_data(target))

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.metric, target.order, target.params["employment"]) == ("activity_share", 3, ["full_time"])


def test_a_stale_edit_is_refused(client, province_editor, tree):
    target = make_target(tree.commune_a)
    url = reverse("reports:target-edit", args=[target.pk])
    opened = target_data(target)
    target.goal = 90
    target.save()
    client.force_login(province_editor)

    response = client.post(url, opened)

    assert response.status_code == 200
    assert "đã được người khác cập nhật" in response.content.decode()
    target.refresh_from_db()
    assert (target.metric, target.goal) == ("secretary_degree_share", 90)


def test_edits_and_deletes_are_refused_out_of_scope_and_to_viewers(client, commune_editor, viewer, tree):
    theirs = make_target(tree.province)
    for name in ("reports:target-edit", "reports:target-delete", "reports:target-cadres"):
        assert page(client, commune_editor, reverse(name, args=[theirs.pk])).status_code == 404
    client.force_login(commune_editor)
    assert client.post(reverse("reports:target-delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:target-edit", args=[2**40])).status_code == 404
    client.force_login(viewer)
    assert client.get(reverse("reports:target-edit", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("reports:target-delete", args=[theirs.pk])).status_code == 403
    assert Target.objects.filter(pk=theirs.pk).exists()


def test_it_deletes_a_target_after_confirming(client, commune_editor, tree):
    target = make_target(tree.commune_a, text="Chỉ tiêu sẽ xoá")
    url = reverse("reports:target-delete", args=[target.pk])
    client.force_login(commune_editor)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Chỉ tiêu sẽ xoá" in confirm.content.decode()
    assert Target.objects.exists()

    response = client.post(url)

    assert (
        response.status_code == 302 and response["Location"] == f"{LIST}?year={YEAR}&unit={tree.commune_a.pk}"
    )
    assert not Target.objects.exists()


# --- The cadres behind a figure -------------------------------------------------------------------


def test_it_lists_the_cadres_behind_a_figure(client, province_editor, commune_editor, tree, make_cadre):
    make_cadre(tree.commune_a, full_name="Bí thư có bằng", code="bi-thu", education=Education.BACHELOR)
    make_cadre(tree.commune_b, full_name="Bí thư chưa có bằng", code="bi-thu", education=Education.COLLEGE)
    target = make_target(tree.province)
    url = reverse("reports:target-cadres", args=[target.pk])

    response = page(client, province_editor, url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "50,0% (1/2)" in html and "≥ 100%" in html
    assert html.count('data-counted="yes"') == 1 and html.count('data-counted="no"') == 1
    only_missing = client.get(url, data={"counted": "no"}).content.decode()
    assert "Bí thư chưa có bằng" in only_missing and "Bí thư có bằng" not in only_missing
    assert only_missing.count('data-counted="no"') == 1 and 'data-counted="yes"' not in only_missing
    only_counted = client.get(url, data={"counted": "yes"}).content.decode()
    assert "Bí thư có bằng" in only_counted and "Bí thư chưa có bằng" not in only_counted
    assert only_counted.count('data-counted="yes"') == 1 and 'data-counted="no"' not in only_counted
    assert 'data-total="1"' in only_missing and 'data-total="1"' in only_counted
    bad = client.get(url, data={"counted": "maybe"})
    assert bad.status_code == 200 and "Bộ lọc “Kết quả” không hợp lệ" in bad.content.decode()
    # A commune's target shows its own cadres only.
    theirs = make_target(tree.commune_a)
    assert (
        "Bí thư chưa có bằng" not in page(client, commune_editor, theirs.get_absolute_url()).content.decode()
    )


def test_the_cadres_behind_a_figure_follow_a_change_of_the_records(client, province_editor, tree, make_cadre):
    # The figure and the count are remembered between looks: a new cadre must still show at once.
    make_cadre(tree.commune_a, full_name="Bí thư có bằng", code="bi-thu", education=Education.BACHELOR)
    target = make_target(tree.province)
    url = reverse("reports:target-cadres", args=[target.pk])
    first = page(client, province_editor, url).content.decode()
    assert "100,0% (1/1)" in first and 'data-total="1"' in first
    assert 'data-total="0"' in client.get(url, data={"counted": "no"}).content.decode()

    make_cadre(tree.commune_b, full_name="Bí thư chưa có bằng", code="bi-thu", education=Education.COLLEGE)

    again = client.get(url).content.decode()
    assert "50,0% (1/2)" in again and 'data-total="2"' in again and "Bí thư chưa có bằng" in again
    missing = client.get(url, data={"counted": "no"}).content.decode()
    assert 'data-total="1"' in missing and "Bí thư chưa có bằng" in missing


def test_a_figure_of_posts_links_to_the_succession_plans(client, province_editor, tree):
    target = make_target(tree.province, "key_successors_share")
    html = page(client, province_editor, target.get_absolute_url()).content.decode()
    assert 'id="posts-note"' in html and 'href="/planning/"' in html
