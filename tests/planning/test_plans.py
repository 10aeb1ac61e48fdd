"""Succession plans through the pages a user works with: the rules refused or flagged with their
reason on the add form and the bulk add, the lock of a submitted or approved plan, the approval
workflow, the annual review with its assistant, scope, the structure figures and the board's
query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cadres.models import CadreStatus, Discipline, Gender, PoliticalTheory
from planning.models import (
    Candidate,
    PlanningRules,
    PlanStatus,
    ProposalDecision,
    RemovalReason,
    ReviewStatus,
    StructureTarget,
    SuccessionPlan,
    Term,
)
from planning.services import (
    CandidateRow,
    add_candidates,
    approve_plan,
    proposals_for,
    start_review,
    submit_plan,
)
from tests.factories import UserFactory, position
from tests.planning.conftest import client_for, young

pytestmark = pytest.mark.django_db


def add_page(plan, **params):
    url = reverse("planning:candidate-add", args=[plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def post_candidate(client, plan, cadre, code="pho-bi-thu", readiness="now"):
    return client.post(
        add_page(plan), {"cadre": cadre.pk, "position": position(code).pk, "readiness": readiness, "note": ""}
    )


def live(plan, code=None):
    found = Candidate.objects.filter(plan=plan, removed_year__isnull=True)
    return found.filter(position__code=code) if code else found


# --- The add form --------------------------------------------------------------------------------


def test_the_add_form_finds_a_cadre_typed_without_accents_and_adds_them(
    tree, plan, make_cadre, commune_editor
):
    cadre = young(make_cadre, tree.branch_a, "Trần Thị Mai")
    client = client_for(commune_editor)

    page = client.get(add_page(plan, q="tran thi mai"))
    assert "Trần Thị Mai" in page.content.decode()

    response = post_candidate(client, plan, cadre)
    assert response.status_code == 302
    candidate = live(plan).get()
    assert (candidate.cadre, candidate.position.code, candidate.added_year) == (cadre, "pho-bi-thu", 2026)
    assert candidate.history.count() == 1


def test_a_fourth_candidate_is_refused_with_the_rule(tree, plan, make_cadre, commune_editor):
    client = client_for(commune_editor)
    for n in range(3):
        assert post_candidate(client, plan, young(make_cadre, tree.branch_a, f"Người {n}")).status_code == 302
    fourth = young(make_cadre, tree.branch_a, "Người thứ tư")

    response = post_candidate(client, plan, fourth)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Chức danh Phó Bí thư đã có 3 người trong quy hoạch: mỗi chức danh quy hoạch tối đa 3 người." in html
    )
    assert live(plan, "pho-bi-thu").count() == 3


def test_the_limit_per_position_is_a_setting(tree, plan, make_cadre, commune_editor):
    PlanningRules.objects.update(max_candidates_per_position=1)
    client = client_for(commune_editor)
    post_candidate(client, plan, young(make_cadre, tree.branch_a, "Một"))

    response = post_candidate(client, plan, young(make_cadre, tree.branch_a, "Hai"))

    assert "tối đa 1 người" in response.content.decode()
    assert live(plan).count() == 1


def test_a_candidate_too_old_for_a_full_term_is_refused_with_the_ages(tree, plan, make_cadre, commune_editor):
    old = make_cadre(tree.branch_a, full_name="Lê Văn Lớn", birth_date=datetime.date(1994, 5, 1))

    response = post_candidate(client_for(commune_editor), plan, old)

    html = response.content.decode()
    assert "Không đủ tuổi công tác trọn nhiệm kỳ: sinh năm 1994" in html
    assert "đến hết nhiệm kỳ 2030 là 36 tuổi, vượt giới hạn 35 tuổi" in html
    assert not live(plan).exists()


def test_one_cadre_is_planned_for_at_most_three_posts_at_the_same_level(
    tree, term, make_cadre, province_editor
):
    cadre = young(make_cadre, tree.branch_a, "Nguyễn Văn Ba")
    plans = [
        SuccessionPlan.objects.get_or_create(unit=u, term=term)[0] for u in (tree.commune_a, tree.commune_b)
    ]
    client = client_for(province_editor)
    assert post_candidate(client, plans[0], cadre, "bi-thu").status_code == 302
    assert post_candidate(client, plans[0], cadre, "pho-bi-thu").status_code == 302
    assert post_candidate(client, plans[1], cadre, "uv-btv").status_code == 302

    response = post_candidate(client, plans[1], cadre, "uv-bch")

    assert "đã được quy hoạch 3 chức danh cấp cơ sở trong nhiệm kỳ này" in response.content.decode()
    assert Candidate.objects.filter(cadre=cadre).count() == 3


def test_a_candidate_below_the_standard_is_added_and_flagged_as_a_training_need(
    tree, term, make_cadre, province_editor
):
    plan = SuccessionPlan.objects.create(unit=tree.district, term=term)
    cadre = young(
        make_cadre, tree.district_commune, "Phạm Thị Học", political_theory=PoliticalTheory.ELEMENTARY
    )

    response = client_for(province_editor).post(
        add_page(plan),
        {"cadre": cadre.pk, "position": position("bi-thu").pk, "readiness": "1_2"},
        follow=True,
    )

    html = response.content.decode()
    assert "cần đào tạo: LLCT Sơ cấp, chuẩn Trung cấp" in html
    assert live(plan).filter(cadre=cadre).exists()


def test_an_archived_cadre_or_one_outside_the_scope_cannot_be_added(tree, plan, make_cadre, commune_editor):
    archived = young(
        make_cadre, tree.branch_a, "Đã Nghỉ", status=CadreStatus.RESIGNED, left_on=datetime.date(2026, 1, 5)
    )
    outsider = young(make_cadre, tree.branch_b, "Người Ngoài")
    client = client_for(commune_editor)

    for cadre in (archived, outsider):
        response = post_candidate(client, plan, cadre)
        assert "không có trong phạm vi đơn vị của bạn hoặc đã thôi công tác" in response.content.decode()
    assert not live(plan).exists()


# --- The bulk add --------------------------------------------------------------------------------


def bulk(client, plan, lines, code="uv-bch"):
    return client.post(
        reverse("planning:candidate-bulk", args=[plan.pk]),
        {"position": position(code).pk, "readiness": "3_5", "lines": "\n".join(lines)},
    )


def test_the_bulk_add_adds_every_line_or_none_with_each_reason_by_line(
    tree, plan, make_cadre, commune_editor
):
    ok = [young(make_cadre, tree.branch_a, f"Đoàn viên {n}") for n in range(3)]
    old = make_cadre(tree.branch_a, full_name="Quá Tuổi", birth_date=datetime.date(1990, 1, 1))
    outsider = young(make_cadre, tree.branch_b, "Ở Xã Khác")
    client = client_for(commune_editor)

    response = bulk(
        client,
        plan,
        [
            f"{ok[0].national_id}\t{ok[0].full_name}",
            ok[1].national_id,
            old.national_id,
            outsider.national_id,
            "abc",
        ],
    )

    html = response.content.decode()
    assert "Dòng 5: không có số CCCD gồm 12 chữ số." in html
    assert (
        f"Dòng 4: không tìm thấy cán bộ có số CCCD {outsider.national_id} trong phạm vi đơn vị của bạn."
        in html
    )
    assert not live(plan).exists()

    response = bulk(client, plan, [c.national_id for c in [*ok, old]])
    assert "Dòng 4 (Quá Tuổi): Không đủ tuổi công tác trọn nhiệm kỳ" in response.content.decode()
    assert not live(plan).exists()

    fourth = young(make_cadre, tree.branch_a, "Thứ Tư")
    response = bulk(client, plan, [c.national_id for c in [*ok, fourth]])
    assert "Dòng 4 (Thứ Tư): Chức danh Ủy viên Ban Chấp hành đã có 3 người" in response.content.decode()
    assert not live(plan).exists()

    assert bulk(client, plan, [c.national_id for c in ok]).status_code == 302
    assert live(plan, "uv-bch").count() == 3


# --- Workflow and lock -----------------------------------------------------------------------------


def approve_data(**extra):
    return {
        "decision_number": "125-QĐ/TU",
        "decided_on": "2026-11-20",
        "approving_body": "Đảng ủy xã",
    } | extra


def test_submit_locks_approve_records_the_decision_and_keeps_the_lock(
    tree, plan, make_cadre, commune_editor, approver
):
    editor = client_for(commune_editor)
    post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Ứng Viên"))
    assert editor.post(reverse("planning:plan-submit", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    refused = post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Sau Khi Trình"))
    assert "Quy hoạch đang chờ phê duyệt: không thể thay đổi danh sách." in refused.content.decode()
    assert editor.get(reverse("planning:plan-approve", args=[plan.pk])).status_code == 403

    leader = client_for(approver)
    assert leader.post(reverse("planning:plan-approve", args=[plan.pk]), approve_data()).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.decision_number, plan.approved_by) == (
        PlanStatus.APPROVED,
        "125-QĐ/TU",
        approver,
    )

    refused = post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Sau Khi Duyệt"))
    assert "mọi thay đổi phải thực hiện qua một đợt rà soát, bổ sung" in refused.content.decode()
    candidate = live(plan).get()
    remove = editor.post(
        reverse("planning:candidate-remove", args=[plan.pk, candidate.pk]), {"reason": "other"}
    )
    assert remove.status_code == 200
    assert live(plan).count() == 1


def test_an_empty_plan_cannot_be_submitted_and_a_returned_plan_shows_the_comment(
    tree, plan, make_cadre, commune_editor, approver
):
    editor = client_for(commune_editor)
    response = editor.post(reverse("planning:plan-submit", args=[plan.pk]), follow=True)
    assert "Quy hoạch chưa có ứng viên nào" in response.content.decode()

    post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Ứng Viên"))
    editor.post(reverse("planning:plan-submit", args=[plan.pk]))
    client_for(approver).post(
        reverse("planning:plan-return", args=[plan.pk]), {"comment": "Thiếu cơ cấu nữ."}
    )

    page = editor.get(plan.get_absolute_url()).content.decode()
    assert "Thiếu cơ cấu nữ." in page
    assert post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Bổ Sung")).status_code == 302


def test_a_future_decision_date_is_refused(tree, plan, make_cadre, commune_editor, approver):
    editor = client_for(commune_editor)
    post_candidate(editor, plan, young(make_cadre, tree.branch_a, "Ứng Viên"))
    editor.post(reverse("planning:plan-submit", args=[plan.pk]))

    response = client_for(approver).post(
        reverse("planning:plan-approve", args=[plan.pk]), approve_data(decided_on="2099-01-01")
    )

    assert "Ngày quyết định không được sau hôm nay." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


# --- The annual review ---------------------------------------------------------------------------


def approved_plan(plan, cadres, editor, approver):
    add_candidates(plan, [CandidateRow(c, position("pho-bi-thu")) for c in cadres], user=editor)
    submit_plan(plan, user=editor)
    approve_plan(
        plan,
        user=approver,
        decision_number="1-QĐ",
        decided_on=datetime.date(2026, 1, 10),
        approving_body="Đảng ủy",
    )
    plan.refresh_from_db()
    return plan


def test_a_review_proposes_removals_which_take_effect_when_approved(
    tree, plan, make_cadre, commune_editor, approver
):
    stays = young(make_cadre, tree.branch_a, "Ở Lại")
    leaves = young(make_cadre, tree.branch_a, "Chuyển Đi")
    punished = young(make_cadre, tree.branch_a, "Bị Kỷ Luật")
    plan = approved_plan(plan, [stays, leaves, punished], commune_editor, approver)
    leaves.status, leaves.left_on = CadreStatus.TRANSFERRED, datetime.date(2026, 6, 1)
    leaves.save()
    Discipline.objects.create(cadre=punished, decided_on=datetime.date(2026, 5, 2), form="Khiển trách")
    editor = client_for(commune_editor)

    response = editor.post(reverse("planning:review-start", args=[plan.pk]), {"year": 2026, "summary": ""})
    review = plan.reviews.get()
    assert response.status_code == 302
    proposals = {p.candidate.cadre.full_name: p for p in review.proposals.all()}
    assert set(proposals) == {"Chuyển Đi", "Bị Kỷ Luật"}
    assert proposals["Chuyển Đi"].reason == RemovalReason.TRANSFERRED

    decide = reverse("planning:proposal-decide", args=[plan.pk, review.pk, proposals["Chuyển Đi"].pk])
    editor.post(decide, {"decision": "accept"})
    decide = reverse("planning:proposal-decide", args=[plan.pk, review.pk, proposals["Bị Kỷ Luật"].pk])
    editor.post(decide, {"decision": "reject"})
    newcomer = young(make_cadre, tree.branch_a, "Người Mới")
    assert post_candidate(editor, plan, newcomer, "bi-thu").status_code == 302

    board = editor.get(plan.get_absolute_url()).content.decode()
    assert "Đề xuất đưa ra: Chuyển công tác, nghỉ việc" in board and "Đề xuất bổ sung 2026" in board

    assert editor.post(reverse("planning:review-submit", args=[plan.pk, review.pk])).status_code == 302
    approve = reverse("planning:review-approve", args=[plan.pk, review.pk])
    assert client_for(approver).post(approve, approve_data(approving_body="")).status_code == 302

    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert {p.decision for p in review.proposals.all()} == {
        ProposalDecision.ACCEPTED,
        ProposalDecision.REJECTED,
    }
    removed = Candidate.objects.get(cadre=leaves)
    assert (removed.removed_year, removed.removal_reason, removed.removed_by_review) == (
        2026,
        "transferred",
        review,
    )
    assert set(live(plan).values_list("cadre__full_name", flat=True)) == {"Ở Lại", "Bị Kỷ Luật", "Người Mới"}
    history = editor.get(reverse("planning:plan-history", args=[plan.pk])).content.decode()
    assert "Phê duyệt theo quyết định 125-QĐ/TU" in history or "125-QĐ/TU" in history
    cadre_page = editor.get(leaves.get_absolute_url()).content.decode()
    assert "Đưa ra năm 2026: chuyển công tác, nghỉ việc" in cadre_page


def test_a_review_cannot_be_submitted_with_undecided_proposals(
    tree, plan, make_cadre, commune_editor, approver
):
    leaves = young(make_cadre, tree.branch_a, "Chuyển Đi")
    plan = approved_plan(plan, [leaves], commune_editor, approver)
    leaves.status, leaves.left_on = CadreStatus.TRANSFERRED, datetime.date(2026, 6, 1)
    leaves.save()
    editor = client_for(commune_editor)
    editor.post(reverse("planning:review-start", args=[plan.pk]), {"year": 2026})
    review = plan.reviews.get()

    response = editor.post(reverse("planning:review-submit", args=[plan.pk, review.pk]), follow=True)

    assert "Còn đề xuất chưa quyết định" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def rate(cadre, *, year: int, total: int, user) -> None:
    """The cadre's yearly evaluation by their unit, taken through its steps to a decision at
    ``total`` points (fieldwork.evaluation; planning reads it through cadres.registry)."""
    from fieldwork.evaluation import services as evaluations
    from fieldwork.evaluation.models import Evaluation

    scheme = evaluations.scheme_for(year)
    evaluation = Evaluation.objects.create(cadre=cadre, unit=cadre.unit, year=year, scheme=scheme)
    criteria = list(scheme.criteria.all())
    points = {c.pk: c.max_points * total / 100 for c in criteria}  # the seeded criteria: whole points
    for step in ("self", "review", "decide"):
        evaluation = evaluations.record_step(
            evaluation,
            step=step,
            points=points,
            comment="",
            user=user,
            base_version=evaluation.version,
            decision_number="7-QĐ/ĐTN",
            decision_date=datetime.date(year, 12, 20),
        )


def test_a_review_proposes_removing_a_candidate_whose_latest_rating_failed(
    tree, plan, make_cadre, commune_editor, approver
):
    failed = young(make_cadre, tree.branch_a, "Không Đạt")
    recovered = young(make_cadre, tree.branch_a, "Đã Tiến Bộ")
    plan = approved_plan(plan, [failed, recovered], commune_editor, approver)
    rate(failed, year=2025, total=80, user=approver)
    rate(failed, year=2026, total=40, user=approver)
    rate(recovered, year=2025, total=40, user=approver)
    rate(recovered, year=2026, total=80, user=approver)

    review = start_review(plan, year=2026, user=commune_editor)

    (proposal,) = review.proposals.select_related("candidate__cadre")
    assert proposal.candidate.cadre == failed
    assert (proposal.reason, proposal.detail) == (
        RemovalReason.FAILED_DUTIES,
        "Xếp loại năm 2026: Không hoàn thành nhiệm vụ.",
    )


@pytest.mark.parametrize("size", [1, 3])  # three candidates per post at most
def test_the_assistant_runs_the_same_queries_whatever_the_candidates(
    tree, plan, make_cadre, commune_editor, approver, django_assert_max_num_queries, size
):
    cadres = [young(make_cadre, tree.branch_a, f"Ứng Viên {n}") for n in range(size)]
    plan = approved_plan(plan, cadres, commune_editor, approver)
    for cadre in cadres:
        rate(cadre, year=2026, total=40, user=approver)
    Discipline.objects.create(cadre=cadres[0], decided_on=datetime.date(2026, 5, 2), form="Khiển trách")

    with django_assert_max_num_queries(8):
        found = proposals_for(plan, 2026)

    assert [reason for _, reason, _ in found] == [RemovalReason.DISCIPLINE] + [
        RemovalReason.FAILED_DUTIES
    ] * (size - 1)


# --- Scope --------------------------------------------------------------------------------------


def test_a_commune_editor_sees_only_its_own_plans_and_the_province_sees_all(
    tree, term, commune_editor, province_editor
):
    own = SuccessionPlan.objects.create(unit=tree.commune_a, term=term)
    other = SuccessionPlan.objects.create(unit=tree.commune_b, term=term)
    province = SuccessionPlan.objects.create(unit=tree.province, term=term)

    commune_list = client_for(commune_editor).get(reverse("planning:index")).content.decode()
    assert "Đoàn xã An Bình" in commune_list and "Đoàn phường Bắc Sơn" not in commune_list
    assert client_for(commune_editor).get(other.get_absolute_url()).status_code == 404
    assert client_for(commune_editor).get(province.get_absolute_url()).status_code == 404
    province_list = client_for(province_editor).get(reverse("planning:index"))
    assert province_list.context["page"].paginator.count == 3
    assert client_for(province_editor).get(own.get_absolute_url()).status_code == 200


def test_a_plan_is_created_only_for_a_unit_in_scope_and_once_per_term(tree, term, commune_editor):
    client = client_for(commune_editor)
    url = reverse("planning:plan-create")

    outside = client.post(url, {"unit": tree.commune_b.pk, "term": term.pk})
    assert outside.status_code == 200 and not SuccessionPlan.objects.exists()
    assert client.post(url, {"unit": tree.commune_a.pk, "term": term.pk}).status_code == 302
    again = client.post(url, {"unit": tree.commune_a.pk, "term": term.pk})
    assert "Đơn vị này đã có quy hoạch cho nhiệm kỳ này." in again.content.decode()
    assert SuccessionPlan.objects.count() == 1


# --- Structure and the board ---------------------------------------------------------------------


def test_the_structure_matches_a_hand_count(tree, plan, make_cadre, commune_editor):
    StructureTarget.objects.filter(metric="women").update(min_percent=50)
    women = [young(make_cadre, tree.branch_a, f"Chị {n}", gender=Gender.FEMALE) for n in range(2)]
    men = [
        make_cadre(tree.branch_a, full_name=f"Anh {n}", birth_date=datetime.date(1994 + n, 1, 1))
        for n in range(2)
    ]
    rows = [CandidateRow(c, position("uv-bch")) for c in [*women, *men[1:]]]
    rows.append(CandidateRow(women[0], position("uv-btv")))  # one person, two posts: counted once
    add_candidates(plan, rows, user=commune_editor)

    response = client_for(commune_editor).get(plan.get_absolute_url())

    lines = {line.metric: line for line in response.context["board"].structure}
    # 3 people: 2 women; under 30 on 03/12/2026: the two born 1998 (28); under 35: all (1995: 31).
    assert (lines["women"].count, lines["women"].total, lines["women"].met) == (2, 3, True)
    assert (lines["under_30"].count, lines["under_35"].count) == (2, 3)


def test_the_board_marks_a_vacancy_and_its_query_count_stays_constant(tree, plan, make_cadre, commune_editor):
    client = client_for(commune_editor)
    secretary = young(make_cadre, tree.commune_a, "Bí Thư Xã", code="bi-thu")
    assert secretary
    add_candidates(
        plan, [CandidateRow(young(make_cadre, tree.branch_a, "A"), position("uv-bch"))], user=commune_editor
    )

    with CaptureQueriesContext(connection) as few:
        page = client.get(plan.get_absolute_url())
    rows = {row.position.code: row for row in page.context["board"].rows}
    assert rows["pho-bi-thu"].vacancies == 1 and rows["bi-thu"].vacancies == 0
    assert page.context["board"].rows[0].position.code == "pho-bi-thu"  # vacancies first

    more = [
        CandidateRow(young(make_cadre, tree.branch_a, f"B{n}"), position(code))
        for n, code in enumerate(["bi-thu", "pho-bi-thu", "uv-btv", "uv-bch", "uv-bch"])
    ]
    add_candidates(plan, more, user=commune_editor)
    with CaptureQueriesContext(connection) as many:
        client.get(plan.get_absolute_url())
    assert len(many) == len(few)


def test_the_vacancies_page_lists_posts_below_the_norm_with_candidates_ready_now(
    tree, plan, make_cadre, commune_editor
):
    ready = young(make_cadre, tree.branch_a, "Sẵn Sàng")
    add_candidates(plan, [CandidateRow(ready, position("pho-bi-thu"), readiness="now")], user=commune_editor)

    page = client_for(commune_editor).get(reverse("planning:vacancies"))

    vacancies = {(v.unit.name, v.position.code): v for v in page.context["page"]}
    assert ("Đoàn xã An Bình", "pho-bi-thu") in vacancies
    assert vacancies[("Đoàn xã An Bình", "pho-bi-thu")].ready[0].cadre == ready
    assert all(v.unit.is_within(tree.commune_a) for v in page.context["page"])


def test_a_merge_moves_plans_to_the_new_unit(tree, term, make_cadre, province_editor):
    from cadres.merge import unit_merge

    plan = SuccessionPlan.objects.create(unit=tree.commune_b, term=term)
    unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=datetime.date(2026, 7, 1),
        decision_number="9-QĐ",
        user=UserFactory(unit=None, role=Role.ADMIN, is_superuser=True),
    )

    plan.refresh_from_db()
    assert plan.unit == tree.commune_a


# --- The import -----------------------------------------------------------------------------------


def upload(client, plan, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import xlsx_bytes

    data = SimpleUploadedFile("ung-vien.xlsx", xlsx_bytes(rows))
    return client.post(reverse("planning:candidate-import", args=[plan.pk]), {"file": data})


HEADER = ["STT", "Họ và tên", "Số CCCD", "Chức danh", "Mức độ sẵn sàng", "Ghi chú"]


def test_the_import_names_each_problem_by_row_and_column_and_adds_nothing(
    tree, plan, make_cadre, commune_editor
):
    ok = young(make_cadre, tree.branch_a, "Hợp Lệ")
    old = make_cadre(tree.branch_a, full_name="Quá Tuổi", birth_date=datetime.date(1990, 1, 1))
    client = client_for(commune_editor)

    response = upload(
        client,
        plan,
        [
            ["DANH SÁCH QUY HOẠCH"],
            HEADER,
            [1, ok.full_name, ok.national_id, "Phó Bí thư", "Sẵn sàng ngay", ""],
            [2, "X", "12345", "Phó Bí thư", "", ""],
            [3, ok.full_name, ok.national_id, "Giám đốc", "", ""],
            [4, ok.full_name, ok.national_id, "Bí thư", "ngay mai", "=1+1"],
        ],
    )
    html = response.content.decode()
    assert "Dòng 4, cột Số CCCD: số CCCD phải gồm đúng 12 chữ số." in html
    assert "Dòng 5, cột Chức danh: “Giám đốc” không phải chức danh quy hoạch" in html
    assert (
        "Dòng 6, cột Mức độ sẵn sàng: “ngay mai”" in html
        and "Dòng 6, cột Ghi chú: “=1+1” có dạng công thức" in html
    )
    assert not live(plan).exists()

    response = upload(
        client,
        plan,
        [HEADER, [1, "", ok.national_id, "pho bi thu", "", ""], [2, "", old.national_id, "Bí thư", "", ""]],
    )
    assert "Dòng 3 (Quá Tuổi): Không đủ tuổi công tác trọn nhiệm kỳ" in response.content.decode()
    assert not live(plan).exists()

    response = upload(
        client, plan, [HEADER, [1, "", ok.national_id, "pho bi thu", "Sẵn sàng ngay", "Đang học LLCT"]]
    )
    assert response.status_code == 302
    candidate = live(plan).get()
    assert (candidate.cadre, candidate.position.code, candidate.readiness, candidate.note) == (
        ok,
        "pho-bi-thu",
        "now",
        "Đang học LLCT",
    )


def test_the_import_refuses_a_file_that_is_not_a_workbook(plan, commune_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(commune_editor).post(
        reverse("planning:candidate-import", args=[plan.pk]),
        {"file": SimpleUploadedFile("ds.xlsx", b"%PDF-1.7")},
    )

    assert response.status_code == 200 and "Excel" in response.content.decode()
    assert not live(plan).exists()


def test_a_merge_keeps_a_plan_whose_term_the_target_already_has_and_says_so(tree, term, province_editor):
    from cadres.merge import unit_merge, unit_merge_plan

    admin = UserFactory(unit=None, role=Role.ADMIN, is_superuser=True)
    kept = SuccessionPlan.objects.create(unit=tree.commune_b, term=term)
    moved = SuccessionPlan.objects.create(unit=tree.commune_b, term=Term.objects.get(start_year=2030))
    own = SuccessionPlan.objects.create(unit=tree.commune_a, term=term)
    arguments = {
        "sources": [tree.commune_b],
        "target": tree.commune_a,
        "new_target": None,
        "parent": None,
        "effective_on": datetime.date(2026, 7, 1),
        "user": admin,
    }

    preview = dict(unit_merge_plan(**arguments).participants)
    lines = {line.label: line.rows for participant, found in preview.items() for line in found}
    assert lines["Quy hoạch chuyển sang đơn vị mới"] == [str(moved)]
    assert lines["Quy hoạch giữ lại ở đơn vị cũ (đơn vị mới đã có quy hoạch nhiệm kỳ này)"] == [str(kept)]

    unit_merge(**arguments, decision_number="9-QĐ")

    assert SuccessionPlan.objects.get(pk=moved.pk).unit == tree.commune_a
    assert SuccessionPlan.objects.get(pk=kept.pk).unit == tree.commune_b
    assert SuccessionPlan.objects.get(pk=own.pk).unit == tree.commune_a
