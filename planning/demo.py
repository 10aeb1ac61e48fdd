"""Demo data of the planning app (``seed_demo`` calls ``seed`` after the units, the accounts and
the cadres): the demo province's succession plans for 2025–2030 — the province's, approved in
2025 and reviewed in 2026, and its communes', one in each state of the workflow —, the
province's plan for 2030–2035, a Phó Bí thư post left vacant, and a sourcing pool.

Every change goes through ``planning.services`` as a demo user (``tinhdoan`` drafts, ``xa``
works on its own commune, ``lanhdao`` approves), so the demo keeps the rules a user is held to.
Each plan is built in one transaction and left alone by a re-run once it has candidates: a
re-run adds what is missing (the plans of more communes when the roster grew, a plan that had
no cadres to choose from) and never duplicates. Candidates are chosen from two short index
ranges per plan, never from the whole roster: the same number of queries per plan at a thousand
cadres or a million.
"""

import datetime
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from cadres.demo import demo_anchor
from cadres.models import Appointment, Cadre, CadreStatus, Discipline, Gender, Position, Unit, UnitKind
from cadres.services import cadre_archive
from cadres.standards import StandardBook
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR
from common.dates import today, years_before
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.scope import subtree_condition

from .models import (
    AnnualReview,
    Candidate,
    PlanningRules,
    PlanStatus,
    Readiness,
    RemovalReason,
    ReviewStatus,
    SourceCategory,
    SourceOutcome,
    SourcePerson,
    StaffingNorm,
    SuccessionPlan,
    Term,
)
from .rules import age_problem, key_positions
from .services import (
    CandidateRow,
    add_candidates,
    approve_plan,
    approve_review,
    decide_proposal,
    remove_candidate,
    return_plan,
    start_review,
    submit_plan,
    submit_review,
)

APPROVER = "lanhdao"
TERM, NEXT_TERM = (2025, 2030), (2030, 2035)
REVIEW_YEAR = 2026
# One commune plan per this many cadres, at least one per recipe, at most every commune: the
# benchmark's data grow with BENCH_CADRES up to the province's 24 communes.
CADRES_PER_COMMUNE_PLAN = 2_000
POOL_SIZE = 150  # cadres read per plan to choose its candidates from
READINESS = [Readiness.NOW, Readiness.ONE_TWO, Readiness.THREE_FIVE]  # the 1st, 2nd, 3rd of a post


@dataclass(frozen=True)
class Recipe:
    """What one plan is made of: candidates per post (a post left out stays uncovered), the
    state its workflow reaches, and its 2026 review."""

    shape: dict[str, int]
    status: str = PlanStatus.APPROVED
    editor: str = PROVINCE_EDITOR
    review: str | None = None  # the review's status, if the plan has one
    review_adds: str = ""  # the post a review adds a candidate to…
    review_removes: str = ""  # …and the one it takes a candidate out of
    note: str = ""
    decision: tuple[str, datetime.date, str] | None = None  # number, date, approving body
    review_decision: str = ""  # the number of the decision approving the review


PROVINCE_RECIPE = Recipe(
    {"bi-thu": 3, "pho-bi-thu": 3, "uv-btv": 3, "uv-bch": 2},  # Chủ tịch Hội: uncovered
    review=ReviewStatus.APPROVED,
    review_adds="uv-bch",
    review_removes="uv-btv",
    decision=("1250-QĐ/TU", datetime.date(2025, 10, 20), "Ban Thường vụ Tỉnh ủy Gia Lai"),
    review_decision="2136-QĐ/TU",
)
NEXT_TERM_RECIPE = Recipe(
    {"bi-thu": 2, "pho-bi-thu": 2, "uv-btv": 2},
    status=PlanStatus.DRAFT,
    note="Quy hoạch nhiệm kỳ kế tiếp, đang lựa chọn nguồn từ cán bộ trẻ.",
)
COMMUNE_SHAPE = {"bi-thu": 2, "pho-bi-thu": 2, "uv-btv": 2, "chu-tich-hoi": 1}  # Ủy viên BCH: uncovered
# By the commune's place in the list; the communes after these have approved plans.
COMMUNE_RECIPES = [
    # The commune editor's own: approved, its 2026 review in progress (one candidate proposed).
    Recipe(COMMUNE_SHAPE, editor=COMMUNE_EDITOR, review=ReviewStatus.DRAFT, review_adds="uv-btv"),
    Recipe(COMMUNE_SHAPE),  # approved; its Phó Bí thư post is vacant (``make_vacancy``)
    Recipe({"bi-thu": 2, "pho-bi-thu": 1}, status=PlanStatus.DRAFT),
    Recipe(COMMUNE_SHAPE, status=PlanStatus.SUBMITTED),
    Recipe(COMMUNE_SHAPE, status=PlanStatus.RETURNED),
]
VACANT_COMMUNE = 1  # the index in COMMUNE_RECIPES of the commune whose Phó Bí thư left
RETURN_COMMENT = "Đề nghị bổ sung nguồn quy hoạch là cán bộ nữ cho chức danh Phó Bí thư để bảo đảm cơ cấu."
REMOVAL_NOTE = "Tự nguyện xin rút khỏi quy hoạch vì hoàn cảnh gia đình."
REVIEW_SUMMARY = (
    "Rà soát, bổ sung quy hoạch năm {year}: đưa ra khỏi quy hoạch người không còn đủ điều kiện, "
    "bổ sung nguồn cán bộ trẻ."
)


def commune_plan_count(cadres: int, communes: int) -> int:
    return min(communes, max(len(COMMUNE_RECIPES), cadres // CADRES_PER_COMMUNE_PLAN))


def seed(*, seed: int, log: Callable[[str], None], cadres: int = 0, **options) -> None:
    """``seed_demo``'s part for this app."""
    started = time.monotonic()
    users = {
        user.username: user for user in User.objects.select_related("unit").filter(username__in=_usernames())
    }
    province = Unit.objects.get(code=PROVINCE_CODE)
    communes = _communes(province)
    communes = communes[: commune_plan_count(cadres, len(communes))]
    term, next_term = _term(*TERM), _term(*NEXT_TERM)
    make_vacancy(communes[VACANT_COMMUNE])
    builder = PlanBuilder(users)
    builder.build(province, term, PROVINCE_RECIPE)
    builder.build(province, next_term, NEXT_TERM_RECIPE)
    for index, commune in enumerate(communes):
        builder.build(commune, term, _commune_recipe(index, commune))
    sources = seed_sources(province, anchor=demo_anchor(seed))
    plans = SuccessionPlan.objects.filter(subtree_condition("unit__path", province.path))
    log(
        f"Quy hoạch: {plans.count()} quy hoạch ({builder.built} lập mới), "
        f"{Candidate.objects.filter(plan__in=plans).count()} ứng viên, "
        f"{AnnualReview.objects.filter(plan__in=plans).count()} đợt rà soát; khuyết Phó Bí thư "
        f"{communes[VACANT_COMMUNE].name}; nguồn cán bộ: {sources} người "
        f"({time.monotonic() - started:.1f} s)."
    )


def _usernames() -> list[str]:
    return [PROVINCE_EDITOR, COMMUNE_EDITOR, APPROVER]


def _term(start: int, end: int) -> Term:
    term, _ = Term.objects.get_or_create(
        start_year=start, end_year=end, defaults={"name": f"Nhiệm kỳ {start}–{end}"}
    )
    return term


def _communes(province: Unit) -> list[Unit]:
    """The province's communes and wards, the commune editor's first."""
    found = Unit.objects.filter(
        subtree_condition("path", province.path),
        depth=province.depth + 1,
        kind__in=[UnitKind.COMMUNE, UnitKind.WARD],
    )
    return sorted(found, key=lambda unit: (unit.code != DEMO_COMMUNE_CODE, unit.path))


def _commune_recipe(index: int, commune: Unit) -> Recipe:
    recipe = COMMUNE_RECIPES[index] if index < len(COMMUNE_RECIPES) else Recipe(COMMUNE_SHAPE)
    if recipe.status != PlanStatus.APPROVED:
        return recipe
    party_committee = f"Ban Thường vụ Đảng ủy {commune.name.removeprefix('Đoàn ')}"
    decision = (f"{112 + index}-QĐ/ĐU", datetime.date(2025, 11, 3 + index % 25), party_committee)
    return replace(recipe, decision=decision)


# --- Plans ---------------------------------------------------------------------------------------


class PlanBuilder:
    """Builds plans as the demo users would, each in one transaction."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.book = StandardBook()
        self.rules = PlanningRules.current()
        self.keys: dict[str, list[Position]] = {}  # per unit level
        self.built = 0  # plans given candidates by this run

    def build(self, unit: Unit, term: Term, recipe: Recipe) -> SuccessionPlan:
        with transaction.atomic():
            plan, created = SuccessionPlan.objects.get_or_create(
                unit=unit, term=term, defaults={"note": recipe.note}
            )
            if not created and plan.candidates.exists():
                return plan  # built by an earlier run
            plan.unit, plan.term = unit, term  # the objects at hand, for the rules' reads
            pool = self.pool(plan)
            rows = self.choose(plan, recipe.shape, pool, taken=set(), present=Counter())
            if not rows:
                return plan  # no cadre to choose from yet: a re-run with a roster fills it
            editor = self.users[recipe.editor]
            add_candidates(plan, rows, user=editor)
            self.built += 1
            if recipe.status == PlanStatus.DRAFT:
                return plan
            plan = submit_plan(plan, user=editor)
            if recipe.status == PlanStatus.RETURNED:
                return return_plan(plan, user=self.users[APPROVER], comment=RETURN_COMMENT)
            if recipe.status == PlanStatus.SUBMITTED:
                return plan
            number, decided_on, body = recipe.decision
            plan = approve_plan(
                plan,
                user=self.users[APPROVER],
                decision_number=number,
                decided_on=decided_on,
                approving_body=body,
            )
            date_back(plan, decided_on)
            if recipe.review:
                self.review(plan, recipe, pool)
            return plan

    def pool(self, plan: SuccessionPlan) -> list[Cadre]:
        """The cadres a plan's candidates are chosen from, the first seats of the staffing plan
        first (the demo roster is made in that order): active, of the unit or heading a unit
        right below it, young enough for the most lenient age limit of the plan's posts, and
        never disciplined. Two ranges of the roster's index, at most ``POOL_SIZE`` rows each."""
        unit = plan.unit
        cadres = Cadre.objects.active().filter(~Exists(Discipline.objects.filter(cadre=OuterRef("pk"))))
        if (oldest := self.oldest_birth_year(plan)) is not None:
            cadres = cadres.filter(birth_date__gte=datetime.date(oldest, 1, 1))
        below = Unit.objects.filter(subtree_condition("path", unit.path), depth=unit.depth + 1)
        heads = self.positions(unit)["pho-bi-thu"].order  # Bí thư and Phó Bí thư
        own = cadres.filter(unit_path=unit.path).order_by("pk")[:POOL_SIZE]
        leading = cadres.filter(
            unit_path__in=list(below.values_list("path", flat=True)), position_order__lte=heads
        ).order_by("pk")[:POOL_SIZE]
        return sorted([*own, *leading], key=lambda cadre: cadre.pk)[:POOL_SIZE]

    def oldest_birth_year(self, plan: SuccessionPlan) -> int | None:
        """The earliest year of birth any post of the plan admits (None: a post without a limit)."""
        limits = [
            standard.holding_limit(hardship=plan.unit.is_hardship_area) if standard else None
            for position in self.positions(plan.unit).values()
            for school_staff in (False, True)
            for standard in [self.book.resolve(position.pk, plan.unit.level, school_staff)]
        ]
        if None in limits:
            return None
        return plan.term.end_year - max(limits)

    def positions(self, unit: Unit) -> dict[str, Position]:
        if unit.level not in self.keys:
            self.keys[unit.level] = key_positions(unit)
        return {position.code: position for position in self.keys[unit.level]}

    def choose(
        self,
        plan: SuccessionPlan,
        shape: dict[str, int],
        pool: list[Cadre],
        *,
        taken: set[int],
        present: Counter,
    ) -> list[CandidateRow]:
        """Candidates for each post of ``shape``, the first fitting cadres of the pool, each
        cadre once: a post's successors come from the posts below it in the unit, or, except
        for Bí thư, from the heads of the units below."""
        rows = []
        for position in self.positions(plan.unit).values():
            wanted = min(
                shape.get(position.code, 0), self.rules.max_candidates_per_position - present[position.pk]
            )
            for cadre in pool:
                if wanted <= 0:
                    break
                if cadre.pk in taken or not self.fits(plan, cadre, position):
                    continue
                rank = present[position.pk]
                rows.append(CandidateRow(cadre=cadre, position=position, readiness=READINESS[min(rank, 2)]))
                taken.add(cadre.pk)
                present[position.pk] += 1
                wanted -= 1
        return rows

    def fits(self, plan: SuccessionPlan, cadre: Cadre, position: Position) -> bool:
        if age_problem(self.book, plan, cadre, position):
            return False
        if cadre.unit_id == plan.unit_id:
            return cadre.position_order > position.order  # from below, never its holder
        return position.code != "bi-thu"  # the pool's other cadres head a unit below

    def review(self, plan: SuccessionPlan, recipe: Recipe, pool: list[Cadre]) -> AnnualReview:
        """The 2026 review: the assistant's proposals accepted, one candidate added and, if no
        proposal took one out, one taken out with a reason; submitted and approved when the
        recipe says so."""
        editor = self.users[recipe.editor]
        review = start_review(
            plan, year=REVIEW_YEAR, summary=REVIEW_SUMMARY.format(year=REVIEW_YEAR), user=editor
        )
        accepted = 0
        if recipe.review == ReviewStatus.APPROVED:  # otherwise left to the editor
            for proposal in review.proposals.select_related("candidate"):
                decide_proposal(proposal, accept=True, user=editor)
                accepted += 1
        live = list(plan.candidates.live().select_related("position").order_by("pk"))
        rows = self.choose(
            plan,
            {recipe.review_adds: 1},
            pool,
            taken={candidate.cadre_id for candidate in live},
            present=Counter(candidate.position_id for candidate in live),
        )
        if rows:
            add_candidates(plan, rows, user=editor)
        leaving = [candidate for candidate in live if candidate.position.code == recipe.review_removes]
        if not accepted and leaving:
            remove_candidate(leaving[-1], reason=RemovalReason.OTHER, note=REMOVAL_NOTE, user=editor)
        if recipe.review != ReviewStatus.APPROVED:
            return review
        review = submit_review(review, user=editor)
        decided_on = min(today(), datetime.date(REVIEW_YEAR, 12, 31))
        return approve_review(
            review, user=self.users[APPROVER], decision_number=recipe.review_decision, decided_on=decided_on
        )


def date_back(plan: SuccessionPlan, decided_on: datetime.date) -> None:
    """Date an approved plan's drafting as the approval's, not the day the demo was seeded: its
    candidates were put in the plan that year, it was submitted two weeks before the decision,
    and its history says so."""
    submitted = timezone.make_aware(
        datetime.datetime.combine(decided_on - datetime.timedelta(days=14), datetime.time(9))
    )
    approved = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(15)))
    SuccessionPlan.objects.filter(pk=plan.pk).update(created_at=submitted, submitted_at=submitted)
    plan.created_at = plan.submitted_at = submitted
    history = SuccessionPlan.history.filter(id=plan.pk)
    history.exclude(status=PlanStatus.APPROVED).update(
        history_date=submitted, created_at=submitted, submitted_at=submitted
    )
    history.filter(status=PlanStatus.APPROVED).update(
        history_date=approved, created_at=submitted, submitted_at=submitted
    )
    Candidate.objects.filter(plan=plan).update(added_year=decided_on.year)
    Candidate.history.filter(plan_id=plan.pk).update(added_year=decided_on.year, history_date=submitted)


# --- The vacancy ----------------------------------------------------------------------------------


def make_vacancy(commune: Unit) -> None:
    """Leave the commune's Phó Bí thư post vacant: its holders move to the commune's People's
    Committee, as many as it takes to fall below the unit's norm (none on a re-run)."""
    norm = (
        StaffingNorm.objects.filter(unit_kind=commune.kind, position__code="pho-bi-thu")
        .select_related("position")
        .first()
    )
    if norm is None:
        return
    holding = list(
        Appointment.objects.open()
        .filter(unit=commune, position=norm.position, cadre__status=CadreStatus.ACTIVE)
        .select_related("cadre")
        .order_by("-started_on", "-pk")
    )
    leaving = {appointment.cadre_id: appointment for appointment in holding}
    count = len(holding) - norm.count + 1  # the holders to go for the post to fall below its norm
    words = commune.name.removeprefix("Đoàn ")
    for appointment in list(leaving.values())[: max(0, count)]:
        left_on = max(min(today(), datetime.date(REVIEW_YEAR, 9, 30)), appointment.started_on)
        cadre_archive(
            cadre=appointment.cadre,
            status=CadreStatus.TRANSFERRED,
            left_on=left_on,
            reason=f"Chuyển công tác sang Ủy ban nhân dân {words}",
        )


# --- The sourcing pool ---------------------------------------------------------------------------

F, M = Gender.FEMALE, Gender.MALE
C = SourceCategory
GROWING, STOPPED = SourceOutcome.GROWING, SourceOutcome.STOPPED
# name, gender, age on the demo's day, category, unit code, outcome
SOURCES = [
    ("Nguyễn Thị Mỹ Duyên", F, 22, C.GRADUATE, "GL-T04", GROWING),
    ("Trần Quốc Bảo", M, 21, C.GRADUATE, "GL-T04", GROWING),
    ("Lê Hoàng Phúc", M, 22, C.GRADUATE, "GL-T05", STOPPED),
    ("Phạm Thị Thanh Thảo", F, 21, C.GRADUATE, "GL-T05", GROWING),
    ("Võ Minh Khôi", M, 17, C.OUTSTANDING_MEMBER, "GL-T01", GROWING),
    ("Đặng Ngọc Hân", F, 17, C.OUTSTANDING_MEMBER, "GL-T02", GROWING),
    ("Huỳnh Văn Tài", M, 18, C.OUTSTANDING_MEMBER, "GL-T03", STOPPED),
    ("Bùi Thị Kim Ngân", F, 28, C.SCHOOL_CADRE, "GL-T02", GROWING),
    ("Ngô Đức Thịnh", M, 29, C.SCHOOL_CADRE, "GL-T01", GROWING),
    ("Hồ Thị Lan Anh", F, 30, C.SCHOOL_CADRE, "GL-T04", GROWING),
    ("Trương Văn Hiếu", M, 24, C.COLLABORATOR, DEMO_COMMUNE_CODE, GROWING),
    ("Lý Thị Bích Trâm", F, 23, C.COLLABORATOR, DEMO_COMMUNE_CODE, GROWING),
    ("Đỗ Thành Nhân", M, 26, C.OUTSTANDING_MEMBER, DEMO_COMMUNE_CODE, GROWING),
    ("Phan Thị Hồng Nhung", F, 20, C.OUTSTANDING_MEMBER, f"{DEMO_COMMUNE_CODE}-C01", STOPPED),
    ("Nguyễn Văn Lộc", M, 25, C.COLLABORATOR, "GL-P02", GROWING),
    ("Châu Ngọc Trinh", F, 24, C.OUTSTANDING_MEMBER, "GL-P03", GROWING),
    ("Tạ Minh Quân", M, 27, C.COLLABORATOR, "GL-P06", GROWING),
    ("Mai Thị Thu Trang", F, 23, C.OTHER, "GL-P06", GROWING),
    ("Lương Văn Thắng", M, 28, C.OUTSTANDING_MEMBER, "GL-P10", GROWING),
    ("Dương Thị Kiều Oanh", F, 22, C.COLLABORATOR, "GL-P12", STOPPED),
    ("Rơ Mah H'Hen", F, 21, C.OUTSTANDING_MEMBER, "GL-X19", GROWING),
    ("Ksor Y Phăng", M, 24, C.COLLABORATOR, "GL-X19", GROWING),
    ("Đinh Văn Blứ", M, 23, C.OUTSTANDING_MEMBER, "GL-X21", GROWING),
    ("Siu Thị Hlinh", F, 19, C.OTHER, "GL-X24", GROWING),
    ("Trịnh Quang Vinh", M, 29, C.OTHER, "GL-D01", GROWING),
    ("Vũ Thị Hoài Thương", F, 26, C.OUTSTANDING_MEMBER, "GL-D02", GROWING),
    ("Kiều Minh Tuấn", M, 27, C.COLLABORATOR, "GL-CA", STOPPED),
    ("Nguyễn Hoàng Yến", F, 25, C.GRADUATE, PROVINCE_CODE, GROWING),
    ("Lê Thị Ngọc Ánh", F, 24, C.COLLABORATOR, PROVINCE_CODE, GROWING),
]
# Where they study or work.
WORKPLACES = {
    "Nguyễn Thị Mỹ Duyên": "Sinh viên năm cuối Khoa Sư phạm, Trường Đại học Quy Nhơn",
    "Trần Quốc Bảo": "Sinh viên năm cuối Khoa Kinh tế, Trường Đại học Quy Nhơn",
    "Lê Hoàng Phúc": "Sinh viên năm cuối, Trường Cao đẳng Kỹ thuật Công nghệ Quy Nhơn",
    "Phạm Thị Thanh Thảo": "Sinh viên năm cuối ngành Công nghệ thông tin",
    "Võ Minh Khôi": "Học sinh lớp 12, Trường THPT chuyên Lê Quý Đôn",
    "Đặng Ngọc Hân": "Học sinh lớp 12, Trường THPT Hùng Vương",
    "Huỳnh Văn Tài": "Học sinh lớp 12, Trường THPT Pleiku",
    "Bùi Thị Kim Ngân": "Giáo viên Ngữ văn, Phó Bí thư Đoàn trường THPT Hùng Vương",
    "Ngô Đức Thịnh": "Giáo viên Tin học, Trường THPT chuyên Lê Quý Đôn",
    "Hồ Thị Lan Anh": "Trợ lý Đoàn trường, Trường Đại học Quy Nhơn",
    "Trương Văn Hiếu": "Nhân viên Bưu điện phường Quy Nhơn",
    "Lý Thị Bích Trâm": "Viên chức Trung tâm Văn hóa – Thể thao phường",
    "Đỗ Thành Nhân": "Chủ hộ kinh doanh, tổ dân phố 5",
    "Phan Thị Hồng Nhung": "Công nhân, Khu công nghiệp Phú Tài",
    "Nguyễn Văn Lộc": "Công chức Văn phòng HĐND và UBND phường",
    "Châu Ngọc Trinh": "Nhân viên ngân hàng",
    "Tạ Minh Quân": "Kỹ sư xây dựng",
    "Mai Thị Thu Trang": "Thanh niên tình nguyện trở về địa phương",
    "Lương Văn Thắng": "Dân quân thường trực phường An Nhơn",
    "Dương Thị Kiều Oanh": "Nhân viên y tế phường Hoài Nhơn",
    "Rơ Mah H'Hen": "Thôn Plei Ngol, xã Ia Grai",
    "Ksor Y Phăng": "Cán bộ Chi hội Nông dân thôn",
    "Đinh Văn Blứ": "Thôn Kon Lốc, xã Kbang",
    "Siu Thị Hlinh": "Thôn Bi Giông, xã Ia Pa",
    "Trịnh Quang Vinh": "Kỹ sư, Công ty Cổ phần Cảng Quy Nhơn",
    "Vũ Thị Hoài Thương": "Công nhân, Công ty TNHH MTV Cao su Chư Păh",
    "Kiều Minh Tuấn": "Cán bộ Công an tỉnh",
    "Nguyễn Hoàng Yến": "Học viên cao học, Trường Đại học Quy Nhơn",
    "Lê Thị Ngọc Ánh": "Phóng viên Báo và Phát thanh, Truyền hình Gia Lai",
}
NOTES = {
    "Nguyễn Thị Mỹ Duyên": "Bí thư Chi đoàn lớp, có nguyện vọng về công tác tại địa phương.",
    "Trần Quốc Bảo": "Phó Bí thư Liên chi đoàn khoa.",
    "Lê Hoàng Phúc": "Đã nhận việc tại doanh nghiệp ngoài tỉnh.",
    "Võ Minh Khôi": "Được giới thiệu học lớp cảm tình Đảng.",
    "Huỳnh Văn Tài": "Đi học đại học ngoài tỉnh.",
    "Bùi Thị Kim Ngân": "Đề xuất quy hoạch Ủy viên BCH Đoàn phường.",
    "Trương Văn Hiếu": "Cộng tác viên Ban Tuyên giáo, tích cực trong chiến dịch Thanh niên tình nguyện hè.",
    "Đỗ Thành Nhân": "Thanh niên làm kinh tế giỏi.",
    "Phan Thị Hồng Nhung": "Chuyển nơi cư trú.",
    "Tạ Minh Quân": "Đội trưởng Đội hình thanh niên tình nguyện phường.",
    "Lương Văn Thắng": "Hoàn thành nghĩa vụ quân sự năm 2024.",
    "Dương Thị Kiều Oanh": "Không còn nguyện vọng.",
    "Rơ Mah H'Hen": "Đoàn viên dân tộc Gia Rai, được đề xuất đào tạo nguồn.",
    "Đinh Văn Blứ": "Đoàn viên dân tộc Ba Na.",
    "Trịnh Quang Vinh": "Bí thư Chi đoàn phân xưởng.",
    "Kiều Minh Tuấn": "Được điều động công tác khác.",
    "Nguyễn Hoàng Yến": "Cộng tác viên Ban Tuyên giáo Tỉnh đoàn.",
}
LINKED_NOTE = "Được bầu bổ sung vào Ban Chấp hành Đoàn phường sau thời gian là cộng tác viên."


def seed_sources(province: Unit, *, anchor: datetime.date) -> int:
    """The sourcing pool: the people of ``SOURCES``, found again by unit and name on a re-run
    and updated, and one of the commune editor's cadres, who came from the pool. Returns how
    many people the pool holds."""
    units = {
        unit.code: unit
        for unit in Unit.objects.filter(code__in={row[4] for row in SOURCES} | {DEMO_COMMUNE_CODE})
    }
    existing = {
        (person.unit_id, person.full_name): person
        for person in SourcePerson.objects.filter(subtree_condition("unit__path", province.path), cadre=None)
    }
    with transaction.atomic():
        for index, (name, gender, age, category, code, outcome) in enumerate(SOURCES):
            unit = units[code]
            person = existing.get((unit.pk, name)) or SourcePerson(unit=unit, full_name=name)
            _update(
                person,
                gender=gender,
                birth_date=years_before(anchor, age) - datetime.timedelta(days=30 + 11 * index),
                category=category,
                workplace=WORKPLACES[name],
                phone=f"09{(index * 7919 + 2025) % 10**8:08d}",
                outcome=outcome,
                note=NOTES.get(name, ""),
            )
        _link_a_cadre(units[DEMO_COMMUNE_CODE])
    return SourcePerson.objects.filter(subtree_condition("unit__path", province.path)).count()


def _link_a_cadre(commune: Unit) -> None:
    """A collaborator of the commune who was elected to its committee: the first of its
    Ủy viên BCH in the roster."""
    cadre = Cadre.objects.active().filter(unit=commune, position__code="uv-bch").order_by("pk").first()
    if cadre is None:
        return
    person = SourcePerson.objects.filter(cadre=cadre).first() or SourcePerson(cadre=cadre)
    _update(
        person,
        full_name=cadre.full_name,
        gender=cadre.gender,
        birth_date=cadre.birth_date,
        category=SourceCategory.COLLABORATOR,
        unit=commune,
        workplace=f"Ủy viên Ban Chấp hành {commune.name}",
        phone=cadre.phone,
        outcome=SourceOutcome.BECAME_CADRE,
        note=LINKED_NOTE,
    )


def _update(person: SourcePerson, **values) -> None:
    """Save the record if it is new or any of ``values`` changed (a re-run writes no history)."""
    changed = [name for name, value in values.items() if getattr(person, name, None) != value]
    if person.pk and not changed:
        return
    for name, value in values.items():
        setattr(person, name, value)
    person.clean()  # the pool's rules: 16 years old or more, a cadre for who became one
    person.save()
