"""Demo cadre number i, built from its own random stream: who sits in which seat of the
province's staffing plan, with their profile, work history and records."""

import datetime
import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE

from ..models import (
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Commendation,
    Discipline,
    Education,
    Employment,
    Gender,
    GeneralEducation,
    Position,
    Sector,
    Unit,
    UnitKind,
    UnitLevel,
)
from ..standards import StandardBook, add_years, years_before
from ..text import fold
from .data import (
    CATEGORIES,
    COMMENDATION_COUNTS,
    COMMENDATION_REASONS,
    COMMENDATIONS,
    DEFAULT_MINORITY_SHARE,
    DISCIPLINES,
    EDE_CLANS,
    ENGLISH_LEVELS,
    ETHNIC_MIXES,
    FAMILY_NAMES,
    FORMER_GIA_LAI,
    GIA_RAI_CLANS,
    GIVEN_NAMES,
    HIGHLAND_ETHNICITIES,
    HIGHLAND_FAMILY,
    HIGHLAND_GIVEN,
    IT_LEVELS,
    LANHDAO,
    LEAVING,
    LEAVING_STATUSES,
    MAJORS,
    MEMBER_PROFILES,
    MIDDLE_NAMES,
    MINORITY_SHARES,
    NORTHERN_MINORITY_FAMILY,
    OTHER_PROVINCES,
    PREVIOUS_POSTS,
    PROFILES,
    RELIGIONS,
    TEACHER_MAJORS,
    TINHDOAN,
    VILLAGES,
    XA,
    Profile,
)

MERGER_DAY = datetime.date(2025, 7, 1)  # the communes of the 2025 reorganisation start here


@dataclass(frozen=True)
class Post:
    """One seat of the staffing plan: a position in a unit."""

    unit: Unit
    position: str  # Position.code
    profile: str
    tier: int  # small numbers first: who a small --cadres N still gets
    concurrent: str = ""  # a post held at the same time in the same unit
    person: tuple[str, str] | None = None  # a fixed name and gender


@dataclass
class DemoCadre:
    cadre: Cadre
    appointments: list[Appointment]
    commendations: list[Commendation]
    disciplines: list[Discipline]


def _staffing_plan(units: list[Unit]) -> list[Post]:
    """Every seat of the demo province, the most important first."""
    root = next(unit for unit in units if unit.code == PROVINCE_CODE)
    branches = defaultdict(list)
    for unit in units:
        if unit.level == UnitLevel.BRANCH:
            branches[unit.code.rsplit("-C", 1)[0]].append(unit)
    posts: list[Post] = []

    def seat(unit, position, profile, tier, count=1, *, concurrent="", people=None):
        tier = 0 if unit.code.startswith(DEMO_COMMUNE_CODE) else tier
        for number in range(count):
            person = (people or {}).get(number)
            posts.append(Post(unit, position, profile, tier, concurrent if number == 0 else "", person))

    seat(root, "bi-thu", "p_head", 0)
    seat(root, "pho-bi-thu", "p_deputy", 0, 3, concurrent="chu-tich-hoi", people={1: LANHDAO})
    seat(root, "uv-btv", "p_standing", 0, 4, concurrent="chu-tich-hoi-dong-doi")
    seat(root, "truong-ban", "p_standing", 1, 6)
    seat(root, "pho-truong-ban", "p_staff", 2, 6)
    seat(root, "chuyen-vien", "p_staff", 2, 10, people={0: TINHDOAN})
    seat(root, "chuyen-vien", "p_staff", 4, 10)
    for index, unit in enumerate((unit for unit in units if unit.depth == 2), start=1):
        children = branches[unit.code]
        if unit.sector == Sector.RESIDENTIAL:
            seat(unit, "bi-thu", "b_head", 1)
            deputies = 2 if index % 2 else 1
            people = {0: XA} if unit.code == DEMO_COMMUNE_CODE else None
            seat(unit, "pho-bi-thu", "b_deputy", 2, deputies, concurrent="chu-tich-hoi", people=people)
            seat(unit, "uv-btv", "b_standing", 3, 4, concurrent="chu-tich-hoi-dong-doi")
            seat(unit, "uv-bch", "b_member", 4, 14 + index % 5)
            for number, branch in enumerate(children):
                seat(branch, "bi-thu", "c_head", 3)
                seat(branch, "pho-bi-thu", "c_member", 4)
                seat(branch, "uv-bch", "c_member", 5, 1 + number % 2)
        elif unit.sector == Sector.HIGH_SCHOOL:  # class chi đoàn are run by pupils under 18
            seat(unit, "bi-thu", "teacher", 1)
            seat(unit, "pho-bi-thu", "teacher", 2)
            seat(unit, "uv-bch", "teacher", 4, 2)
        elif unit.sector == Sector.HIGHER_EDUCATION:
            seat(unit, "bi-thu", "teacher", 1)
            seat(unit, "pho-bi-thu", "teacher", 2)
            seat(unit, "pho-bi-thu", "student", 2)
            seat(unit, "uv-btv", "student", 3, 3)
            seat(unit, "uv-bch", "student", 4, 8)
            for branch in children:
                seat(branch, "bi-thu", "student", 3)
                seat(branch, "pho-bi-thu", "student", 4)
                seat(branch, "uv-bch", "student", 5)
        else:  # enterprises, the police, the province-level unit of Party agencies
            equivalent = unit.level == UnitLevel.PROVINCE
            seat(unit, "bi-thu", "q_head" if equivalent else "b_head", 1)
            seat(unit, "pho-bi-thu", "b_deputy", 2, 2 if equivalent else 1)
            seat(unit, "uv-btv", "b_standing", 3, 1 if unit.kind == UnitKind.ENTERPRISE else 2)
            seat(unit, "uv-bch", "b_member", 4, 4 if unit.kind == UnitKind.ENTERPRISE else 6)
            for branch in children:
                seat(branch, "bi-thu", "c_head", 3)
                seat(branch, "pho-bi-thu", "c_member", 4)
    return sorted(posts, key=lambda post: post.tier)  # stable: unit order within a tier


def _member_post(post: Post) -> Post:
    """An extra seat like ``post`` for an ordinary member of the same unit."""
    if post.unit.code == PROVINCE_CODE:
        return Post(post.unit, "chuyen-vien", "p_staff", 9)
    profile = post.profile if post.profile in ("student", "teacher") else MEMBER_PROFILES.get(post.profile)
    if profile is None:
        profile = "c_member" if post.unit.level == UnitLevel.BRANCH else "b_member"
    return Post(post.unit, "uv-bch", profile, 9)


def _extra_seats(plan: list[Post]) -> list[Post]:
    """Member seats for cadres beyond the plan, in proportion to each unit's plan and
    spread over the units (a golden-ratio stride) rather than filling one unit first."""
    by_unit = sorted(plan, key=lambda post: post.unit.path)
    stride = next(step for step in itertools.count(int(len(plan) * 0.618)) if math.gcd(step, len(plan)) == 1)
    return [_member_post(by_unit[(k * stride) % len(plan)]) for k in range(len(plan))]


def tail(seed: int, index: int) -> str:
    """Six digits, a different one for each index below a million (7919 is prime to 10⁶)."""
    return f"{(index * 7919 + seed * 104729 + 1) % 1_000_000:06d}"


def _random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _commune_words(unit_name: str) -> str:
    """Drop the "Đoàn": "Đoàn phường Quy Nhơn" → "phường Quy Nhơn"."""
    return unit_name.removeprefix("Đoàn ")


class CadreGenerator:
    """Builds demo cadre number i (unsaved) with its appointments and records."""

    def __init__(self, *, seed: int, anchor: datetime.date):
        self.seed, self.anchor = seed, anchor
        units = list(Unit.objects.filter(path__startswith=Unit.objects.get(code=PROVINCE_CODE).path))
        self.by_code = {unit.code: unit for unit in units}
        self.base_of = {}
        for unit in units:
            base_code = unit.code.rsplit("-C", 1)[0] if unit.level == UnitLevel.BRANCH else unit.code
            self.base_of[unit.pk] = self.by_code[base_code]
        self.communes = [unit for unit in units if unit.depth == 2 and unit.sector == Sector.RESIDENTIAL]
        self.branches = defaultdict(list)
        for unit in units:  # class chi đoàn of high schools are run by pupils
            if unit.level == UnitLevel.BRANCH and unit.sector != Sector.HIGH_SCHOOL:
                self.branches[self.base_of[unit.pk].pk].append(unit)
        self.positions = dict(Position.objects.values_list("code", "pk"))
        self.plan = _staffing_plan(units)
        self.extras = _extra_seats(self.plan)
        book = StandardBook(anchor)
        self._limits = {}
        for post in [*self.plan, *self.extras]:
            key = (post.unit.pk, post.position, post.profile)
            if key not in self._limits:
                standard = book.resolve(
                    self.positions[post.position], post.unit.level, PROFILES[post.profile].school_staff
                )
                self._limits[key] = (
                    standard.holding_limit(hardship=post.unit.is_hardship_area) if standard else None
                )

    def post(self, index: int) -> Post:
        if index < len(self.plan):
            return self.plan[index]
        return self.extras[(index - len(self.plan)) % len(self.extras)]

    def national_id(self, index: int) -> str:
        return self.build(index).cadre.national_id

    # One cadre -------------------------------------------------------------------------

    def build(self, index: int) -> DemoCadre:
        rng = random.Random((self.seed << 32) + index)
        post = self.post(index)
        profile = PROFILES[post.profile]
        base = self.base_of[post.unit.pk]
        leader = post.position in ("bi-thu", "pho-bi-thu", "uv-btv", "truong-ban")
        archived = not leader and post.tier >= 2 and rng.random() < 0.05
        status = LEAVING_STATUSES.pick(rng) if archived else CadreStatus.ACTIVE

        share, mix = MINORITY_SHARES.get(base.name, DEFAULT_MINORITY_SHARE)
        ethnicity = ETHNIC_MIXES[mix].pick(rng) if rng.random() < share else "Kinh"
        female_share = 0.2 if base.kind == UnitKind.ARMED_FORCES else profile.female
        gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
        full_name = self._name(rng, ethnicity, gender)
        if post.person:
            full_name, gender = post.person
            ethnicity = "Kinh"
        female = gender == Gender.FEMALE

        birth = self._birth_date(rng, post, profile, matured=status == CadreStatus.MATURED)
        born_local = rng.random() < (0.97 if ethnicity != "Kinh" else 0.75)
        home = base if base.sector == Sector.RESIDENTIAL and rng.random() < 0.8 else rng.choice(self.communes)
        if born_local:
            prefix = "064" if home.name in FORMER_GIA_LAI else "052"
            birth_place = f"{_commune_words(home.name)}, tỉnh Gia Lai"
            hometown = birth_place
        else:
            prefix, province = OTHER_PROVINCES.pick(rng)
            birth_place = province
            hometown = province if rng.random() < 0.7 else f"{_commune_words(home.name)}, tỉnh Gia Lai"
        century_digit = (birth.year // 100 - 19) * 2 + female
        national_id = f"{prefix}{century_digit}{birth.year % 100:02d}{tail(self.seed, index)}"

        education = profile.education.pick(rng)
        theory = profile.theory.pick(rng)
        majors = TEACHER_MAJORS if profile.school_staff else MAJORS
        cadre = Cadre(
            full_name=full_name,
            gender=gender,
            birth_date=birth,
            birth_place=birth_place,
            hometown=hometown,
            ethnicity=ethnicity,
            religion=RELIGIONS[ethnicity != "Kinh"].pick(rng),
            national_id=national_id,
            phone=f"09{rng.randrange(10**8):08d}",
            address=self._address(rng, base, ethnicity),
            unit=post.unit,
            position_id=self.positions[post.position],
            employment=self._employment(rng, post, base),
            is_school_staff=profile.school_staff,
            youth_union_joined_on=_random_day(rng, add_years(birth, 14), add_years(birth, 16)),
            general_education=(
                GeneralEducation.GRADE_9
                if education <= Education.INTERMEDIATE and rng.random() < 0.08
                else GeneralEducation.GRADE_12
            ),
            education=education,
            major=rng.choice(majors) if education >= Education.INTERMEDIATE else "",
            political_theory=theory,
            state_management=profile.state.pick(rng),
            it_level=IT_LEVELS.pick(rng),
            status=status,
            version=1,
        )
        if rng.random() < 0.4:
            cadre.email = self._email(rng, full_name, birth)
        if education >= Education.COLLEGE or profile.student or rng.random() < 0.2:
            cadre.foreign_language = "Tiếng Anh"
            cadre.foreign_language_level = ENGLISH_LEVELS.pick(rng)
        if rng.random() < profile.party:
            self._party(rng, cadre)
        appointments = self._appointments(rng, post, cadre)
        if archived:
            self._archive(rng, cadre, appointments, base)
        cadre.search_text = cadre.build_search_text()
        return DemoCadre(
            cadre=cadre,
            appointments=appointments,
            commendations=self._commendations(rng, profile, base, appointments[0].started_on),
            disciplines=self._disciplines(rng),
        )

    def _name(self, rng: random.Random, ethnicity: str, gender: str) -> str:
        female = gender == Gender.FEMALE
        if ethnicity not in HIGHLAND_ETHNICITIES:
            family = FAMILY_NAMES.pick(rng) if ethnicity == "Kinh" else NORTHERN_MINORITY_FAMILY.pick(rng)
            middle = MIDDLE_NAMES[gender].pick(rng)
            while middle.split(" ", 1)[0] == family:
                middle = MIDDLE_NAMES[gender].pick(rng)
            given = rng.choice(GIVEN_NAMES[gender])
            while given == middle.rsplit(" ", 1)[-1]:
                given = rng.choice(GIVEN_NAMES[gender])
            return f"{family} {middle} {given}"
        given = rng.choice(HIGHLAND_GIVEN[gender])
        style = rng.random()
        if ethnicity == "Gia Rai":  # Rơ Mah H'Hen, Siu Thị Hlinh, Ksor Y Phăng
            clan = GIA_RAI_CLANS.pick(rng)
            middle = ("H'" if female else "Y ") if style < 0.4 else ("Thị " if female else "Văn ")
            return f"{clan} {middle if style < 0.8 else ''}{given}"
        if ethnicity == "Ê Đê":  # H'Hen Niê, Y Phăng Mlô
            prefix = "H'" if female else "Y "
            return f"{prefix}{given} {EDE_CLANS.pick(rng)}"
        family = HIGHLAND_FAMILY.pick(rng)  # Đinh Văn Blứ, Đinh Thị Hlinh
        return f"{family} {'Thị' if female else 'Văn'} {given}" if style < 0.8 else f"{family} {given}"

    def _birth_date(
        self, rng: random.Random, post: Post, profile: Profile, *, matured: bool
    ) -> datetime.date:
        """A birthday giving an age in the profile's range, or, for some, an age at or over
        the post's holding limit (from PositionStandard, never a number written here)."""
        low, high = profile.ages
        limit = self._limits[(post.unit.pk, post.position, post.profile)]
        category = "normal" if profile.student or limit is None else CATEGORIES.pick(rng)
        if matured and limit is not None:
            category = "over"
        if category == "over":
            age = rng.randint(limit + 1, min(limit + 2, 42))
        elif category == "near":
            age = limit  # turns limit + 1, and so over it, within the next 12 months
        else:
            age = rng.randint(low, max(low, min(high, limit - 1) if limit else high))
        earliest = years_before(self.anchor, age + 1) + datetime.timedelta(days=1)
        return _random_day(rng, earliest, years_before(self.anchor, age))

    def _address(self, rng: random.Random, base: Unit, ethnicity: str) -> str:
        commune = base if base.sector == Sector.RESIDENTIAL else rng.choice(self.communes[:6])
        words = _commune_words(commune.name)
        if ethnicity in ("Gia Rai", "Ba Na", "Ê Đê") and words.startswith("xã"):
            return f"{rng.choice(VILLAGES)}, {words}, tỉnh Gia Lai"
        place = "Tổ dân phố" if words.startswith("phường") else "Thôn"
        return f"{place} {rng.randint(1, 12)}, {words}, tỉnh Gia Lai"

    @staticmethod
    def _email(rng: random.Random, full_name: str, birth: datetime.date) -> str:
        words = ["".join(ch for ch in fold(word) if ch.isalnum()) for word in full_name.split(" ")]
        initials = "".join(word[:1] for word in words[:-1])
        return f"{words[-1]}{initials}{birth.year % 100:02d}{rng.randint(1, 99)}@gmail.com"

    @staticmethod
    def _employment(rng: random.Random, post: Post, base: Unit) -> str:
        if post.unit.code == PROVINCE_CODE:
            return Employment.FULL_TIME
        full_time_unit = base.sector == Sector.RESIDENTIAL or base.level == UnitLevel.PROVINCE
        if full_time_unit and post.unit == base and post.position == "bi-thu":
            return Employment.FULL_TIME
        if full_time_unit and post.unit == base and post.position == "pho-bi-thu" and rng.random() < 0.5:
            return Employment.FULL_TIME
        return Employment.CONCURRENT

    def _party(self, rng: random.Random, cadre: Cadre) -> None:
        earliest = add_years(cadre.birth_date, 18) + datetime.timedelta(days=180)
        latest = self.anchor - datetime.timedelta(days=30)
        if earliest > latest:
            return
        cadre.party_joined_on = _random_day(rng, earliest, latest)
        official = add_years(cadre.party_joined_on, 1)
        cadre.party_official_on = official if official <= self.anchor else None

    # Work history ------------------------------------------------------------------------

    def _appointments(self, rng: random.Random, post: Post, cadre: Cadre) -> list[Appointment]:
        """Oldest first; the last main one is open, plus maybe an open concurrent post."""
        adult = add_years(cadre.birth_date, 18) + datetime.timedelta(days=rng.randrange(200))
        old_enough = add_years(adult, max(0, PROFILES[post.profile].ages[0] - 20))  # for this post
        started, kind = self._current_start(rng, post)
        started = min(max(started, old_enough), self.anchor)
        history = [self._appointment(rng, post.unit, post.position, kind, started, None)]
        current = (post.unit, post.position)
        end = started - datetime.timedelta(days=1)
        for _ in range(PREVIOUS_POSTS.pick(rng)):
            previous = self._previous_post(rng, *current)
            start = max(end - datetime.timedelta(days=rng.randint(540, 1800)), adult)
            if previous is None or (end - start).days < 180:
                break
            kind = AppointmentKind.APPOINTED if previous[1] in ("chuyen-vien", "pho-truong-ban") else None
            history.insert(0, self._appointment(rng, *previous, kind or AppointmentKind.ELECTED, start, end))
            current, end = previous, start - datetime.timedelta(days=1)
        concurrent = post.concurrent
        if not concurrent and post.profile == "b_member" and post.unit.sector == Sector.RESIDENTIAL:
            concurrent = "tong-phu-trach-doi" if rng.random() < 0.08 else ""
        if concurrent:
            since = _random_day(rng, started, min(self.anchor, started + datetime.timedelta(days=90)))
            history.append(
                self._appointment(rng, post.unit, concurrent, AppointmentKind.CONCURRENT, since, None)
            )
        return history

    def _current_start(self, rng: random.Random, post: Post) -> tuple[datetime.date, str]:
        unit = post.unit
        reorganised = unit.code == PROVINCE_CODE and post.position in ("bi-thu", "pho-bi-thu", "uv-btv")
        reorganised |= unit.sector == Sector.RESIDENTIAL and self.anchor >= MERGER_DAY
        if reorganised:  # the new province and communes had their committees designated
            if rng.random() < 0.75:
                return MERGER_DAY, AppointmentKind.DESIGNATED
            return _random_day(rng, MERGER_DAY, self.anchor), AppointmentKind.ELECTED
        if unit.code == PROVINCE_CODE:
            kind = AppointmentKind.ROTATED if rng.random() < 0.1 else AppointmentKind.APPOINTED
            return _random_day(rng, years_before(self.anchor, 8), self.anchor), kind
        years = 2 if unit.level == UnitLevel.BRANCH or PROFILES[post.profile].student else 3
        kind = AppointmentKind.DESIGNATED if rng.random() < 0.1 else AppointmentKind.ELECTED
        return _random_day(rng, years_before(self.anchor, years), self.anchor), kind

    def _previous_post(self, rng: random.Random, unit: Unit, position: str) -> tuple[Unit, str] | None:
        """The post held before, one step down the usual career ladder."""
        if unit.code == PROVINCE_CODE:
            ladder = {
                "bi-thu": "pho-bi-thu",
                "pho-bi-thu": "uv-btv",
                "uv-btv": "truong-ban",
                "truong-ban": "pho-truong-ban",
                "pho-truong-ban": "chuyen-vien",
            }
            if position in ladder:
                return unit, ladder[position]
            return rng.choice(self.communes), rng.choice(["bi-thu", "pho-bi-thu"])  # came up from a commune
        ladder = {
            "bi-thu": "pho-bi-thu",
            "pho-bi-thu": "uv-btv" if unit.level != UnitLevel.BRANCH else "uv-bch",
        }
        if unit.level != UnitLevel.BRANCH:
            ladder["uv-btv"] = "uv-bch"
        if position in ladder:
            return unit, ladder[position]
        if position == "uv-bch" and self.branches.get(unit.pk):
            return rng.choice(self.branches[unit.pk]), "bi-thu"
        return None

    def _appointment(self, rng, unit, position, kind, started, ended) -> Appointment:
        issuer = "QĐ/ĐTN" if unit.level == UnitLevel.BRANCH else "QĐ/TĐTN"
        return Appointment(
            unit_id=unit.pk,
            position_id=self.positions[position],
            kind=kind,
            started_on=started,
            ended_on=ended,
            decision_number=f"{rng.randint(5, 480)}-{issuer}" if rng.random() < 0.92 else "",
        )

    def _archive(self, rng: random.Random, cadre: Cadre, appointments: list[Appointment], base: Unit) -> None:
        main = appointments[-1] if appointments[-1].kind != AppointmentKind.CONCURRENT else appointments[-2]
        del appointments[appointments.index(main) + 1 :]  # no concurrent post after leaving
        left_on = _random_day(rng, main.started_on + datetime.timedelta(days=90), self.anchor)
        left_on = min(left_on, self.anchor)
        main.ended_on = max(left_on, main.started_on)
        cadre.left_on = main.ended_on
        commune = rng.choice(self.communes) if base.sector != Sector.RESIDENTIAL else base
        cadre.leaving_reason = rng.choice(LEAVING[cadre.status]).format(commune=_commune_words(commune.name))

    # Records ------------------------------------------------------------------------------

    def _commendations(self, rng, profile: Profile, base: Unit, since: datetime.date) -> list[Commendation]:
        if rng.random() >= profile.commended:
            return []
        records = []
        for _ in range(COMMENDATION_COUNTS.pick(rng)):
            year = rng.randint(since.year, self.anchor.year)
            year_end = rng.random() < 0.8  # year-end awards; others on 26 March, for the year before
            awarded_on = (
                datetime.date(year, 12, rng.randint(10, 28)) if year_end else datetime.date(year, 3, 26)
            )
            if not since <= awarded_on <= self.anchor:
                continue
            form, issuer, suffix = COMMENDATIONS.pick(rng)
            if "{unit}" in issuer:
                issuer = issuer.format(unit=base.name if base.code != PROVINCE_CODE else "Tỉnh đoàn Gia Lai")
            number = (
                f"{rng.randint(100, 4800)}/{suffix}"
                if suffix == "QĐ-UBND"
                else f"{rng.randint(5, 480)}-{suffix}"
            )
            records.append(
                Commendation(
                    awarded_on=awarded_on,
                    form=form,
                    issuer=issuer,
                    decision_number=number,
                    content=rng.choice(COMMENDATION_REASONS).format(year=year if year_end else year - 1),
                )
            )
        return records

    def _disciplines(self, rng: random.Random) -> list[Discipline]:
        if rng.random() >= 0.012:
            return []
        form, reason = rng.choice(DISCIPLINES)
        decided_on = _random_day(rng, years_before(self.anchor, 3), self.anchor)
        return [
            Discipline(
                decided_on=decided_on,
                form=form,
                issuer="Ban Thường vụ Tỉnh đoàn Gia Lai",
                decision_number=f"{rng.randint(5, 480)}-QĐ/TĐTN",
                reason=reason.format(year=decided_on.year - 1),
            )
        ]  # fmt: skip
