"""What changes field-work records: registering and editing a trip with its cadres (a cadre's
trips and secondments never overlap; the check runs with the cadres' rows locked, so two
registrations at once cannot both pass), their days, the trip's status and report, and the
secondments with the post they hold in the host unit.

Every function runs in one transaction and raises ``ValidationError`` with Vietnamese messages
naming the cadre; nothing is half-saved."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, Q, Value, When
from django.utils import timezone

from cadres.models import Appointment, AppointmentKind, Cadre, CadreStatus, Unit
from cadres.services import cadre_sync_current_post
from common.dates import today
from common.lists import bump_generation

from .models import (
    FieldTrip,
    Quota,
    Secondment,
    SecondmentYear,
    TripAttachment,
    TripMember,
    TripStatus,
)
from .workdays import working_days, working_days_by_year

# --- The quota --------------------------------------------------------------------------------


class QuotaBook:
    """The quota rules of a year, most specific first: which rule applies to a cadre (in Python
    for a page's rows, or as one SQL ``CASE`` over a queryset of cadres) and when a trip's report
    is due."""

    def __init__(self, year: int):
        self.year = year
        rules = Quota.objects.filter(Q(year=year) | Q(year__isnull=True)).select_related("unit", "position")
        self.rules = sorted(rules, key=lambda rule: rule.specificity, reverse=True)

    def for_cadre(self, cadre: Cadre) -> Quota | None:
        """The rule for a cadre (their unit joined)."""
        for rule in self.rules:
            if rule.matches_unit(cadre.unit) and (
                not rule.position_id or rule.position_id == cadre.position_id
            ):
                return rule
        return None

    def days_expression(self) -> Case:
        """The quota's days of each cadre of a queryset (NULL: not subject to the quota)."""
        whens = [When(rule.cadre_condition(), then=Value(rule.min_days)) for rule in self.rules]
        output = DecimalField(max_digits=4, decimal_places=1)
        if not whens:
            return Value(None, output_field=output)
        return Case(*whens, default=Value(None), output_field=output)

    def subject_condition(self) -> Q:
        """The cadres some rule applies to."""
        condition = Q(pk__in=[])
        for rule in self.rules:
            condition |= rule.cadre_condition()
        return condition

    def report_due_days(self, unit: Unit) -> int:
        """Days after a trip its report is due, for a trip ``unit`` organises: the most specific
        rule of the unit that names no post, else the model's default."""
        for rule in self.rules:
            if not rule.position_id and rule.matches_unit(unit):
                return rule.report_due_days
        return Quota._meta.get_field("report_due_days").default


def report_due_on(trip: FieldTrip) -> datetime.date:
    return trip.ends_on + datetime.timedelta(
        days=QuotaBook(trip.starts_on.year).report_due_days(trip.organiser)
    )


@transaction.atomic
def quota_dates_refresh(*, year: int | None) -> int:
    """Re-date the reports not yet filed after a quota rule of ``year`` (None: every year)
    changed; the reports filed keep the deadline they had."""
    trips = FieldTrip.objects.exclude(status__in=(TripStatus.REPORTED, TripStatus.CANCELLED))
    if year is not None:
        trips = trips.in_year(year)
    changed = 0
    for trip in trips.select_related("organiser").iterator(chunk_size=500):
        due = report_due_on(trip)
        if due != trip.report_due_on:
            FieldTrip.objects.filter(pk=trip.pk).update(report_due_on=due)
            changed += 1
    if changed:
        bump_generation("fieldwork")  # an update leaves no history: the cached figures go stale
    return changed


# --- Overlaps ---------------------------------------------------------------------------------


def _lock_cadres(cadres: Iterable[Cadre]) -> None:
    """Lock the cadres' rows until the transaction ends: registrations of the same cadre wait
    for each other, so the overlap check sees the other's trip."""
    ids = sorted({cadre.pk for cadre in cadres})
    list(Cadre.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def overlaps(
    cadres: Sequence[Cadre],
    start: datetime.date,
    end: datetime.date,
    *,
    trip: FieldTrip | None = None,
    secondment: Secondment | None = None,
) -> list[str]:
    """What each cadre already has between ``start`` and ``end`` (trips not cancelled and
    secondments), as messages; ``trip``/``secondment`` is the record being edited."""
    names = {cadre.pk: cadre.full_name for cadre in cadres}
    members = (
        TripMember.objects.filter(cadre__in=names, trip__starts_on__lte=end, trip__ends_on__gte=start)
        .exclude(trip__status=TripStatus.CANCELLED)
        .select_related("trip__host")
        .order_by("trip__starts_on", "pk")
    )
    if trip is not None and trip.pk:
        members = members.exclude(trip=trip)
    problems = [
        f"{names[member.cadre_id]} đã có đợt đi cơ sở {_span(member.trip.starts_on, member.trip.ends_on)} "
        f"tại {member.trip.host}: các đợt của một cán bộ không được trùng ngày."
        for member in members
    ]
    secondments = Secondment.objects.filter(
        cadre__in=names, starts_on__lte=end, ends_on__gte=start
    ).select_related("host")
    if secondment is not None and secondment.pk:
        secondments = secondments.exclude(pk=secondment.pk)
    problems += [
        f"{names[other.cadre_id]} đang tăng cường cơ sở tại {other.host} "
        f"{_span(other.starts_on, other.ends_on)}: không trùng ngày được."
        for other in secondments.order_by("starts_on", "pk")
    ]
    return problems


def _span(start: datetime.date, end: datetime.date) -> str:
    return f"ngày {start:%d/%m/%Y}" if start == end else f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


# --- Trips ------------------------------------------------------------------------------------


def default_days(trip: FieldTrip) -> Decimal:
    """A trip's days for each cadre unless given: its working days (at least half a day, for a
    trip made on a weekend or a holiday)."""
    return Decimal(max(working_days(trip.starts_on, trip.ends_on), 0)) or Decimal("0.5")


@transaction.atomic
def trip_save(
    *,
    trip: FieldTrip,
    cadres: Sequence[Cadre],
    days: Decimal | None,
    user,
    base_version: int | None = None,
    activities: Iterable | None = None,
) -> FieldTrip:
    """Save a trip (new, or edited from a form opened at ``base_version``) with its cadres:
    cadres added get ``days`` (else the trip's working days), cadres left out are taken off,
    and when the dates move, the cadres who had the old default get the new one."""
    problems = []
    seen: set[int] = set()
    for cadre in cadres:
        if cadre.pk in seen:
            problems.append(f"{cadre.full_name} được chọn hai lần.")
        seen.add(cadre.pk)
    if not cadres:
        problems.append("Chọn ít nhất một cán bộ đi cơ sở.")
    if problems:
        raise ValidationError(problems)
    _lock_cadres(cadres)
    existing = {member.cadre_id: member for member in trip.members.select_for_update()} if trip.pk else {}
    left = [cadre for cadre in cadres if cadre.pk not in existing and cadre.status != CadreStatus.ACTIVE]
    problems += [f"{cadre.full_name} đã thôi công tác: không cử đi cơ sở." for cadre in left]
    if trip.status != TripStatus.CANCELLED:
        problems += overlaps(cadres, trip.starts_on, trip.ends_on, trip=trip)
    if days is not None and days > trip.length:
        problems.append(f"Số ngày ({_days(days)}) nhiều hơn số ngày của đợt ({trip.length}).")
    if problems:
        raise ValidationError(problems)
    old_default = None
    if trip.pk:
        before = FieldTrip.objects.get(pk=trip.pk)
        old_default = default_days(before)
    trip.report_due_on = report_due_on(trip)
    if trip.pk:
        trip.save_checked(base_version)
    else:
        trip.created_by = user
        trip.save()
    if activities is not None:
        trip.activities.set(activities)
    new_default = default_days(trip)
    wanted = {cadre.pk for cadre in cadres}
    for cadre_id, member in existing.items():
        if cadre_id not in wanted:
            member.delete()
        elif days is not None and member.days != days:
            member.days = days
            member.save()
        elif days is None and old_default is not None and member.days == old_default != new_default:
            member.days = new_default
            member.save()
        elif member.days > trip.length:
            member.days = Decimal(trip.length)
            member.save()
    for cadre in cadres:
        if cadre.pk not in existing:
            TripMember.objects.create(trip=trip, cadre=cadre, days=days if days is not None else new_default)
    return trip


@dataclass
class DaysRow:
    member: TripMember
    version: int | None
    days: Decimal


@transaction.atomic
def trip_days_set(*, trip: FieldTrip, rows: Sequence[DaysRow]) -> int:
    """Each cadre's days on the trip, saved all together or not at all (a row changed since the
    grid was opened refuses the whole grid: ``StaleEditError``)."""
    problems = []
    for row in rows:
        if row.days > trip.length:
            problems.append(
                f"{row.member.cadre.full_name}: {_days(row.days)} ngày, "
                f"nhiều hơn số ngày của đợt ({trip.length})."
            )
        if row.days % Decimal("0.5"):
            problems.append(f"{row.member.cadre.full_name}: số ngày tính theo nửa ngày (ví dụ 2,5).")
    if problems:
        raise ValidationError(problems)
    changed = 0
    for row in rows:
        row.member.check_version(row.version, lock=True)
        if row.member.days != row.days:
            row.member.days = row.days
            row.member.save()
            changed += 1
    return changed


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@transaction.atomic
def trip_set_status(*, trip: FieldTrip, status: str, base_version: int | None) -> FieldTrip:
    """Mark a trip made (đã đi), cancelled, or registered again. A reported trip keeps its
    report; a cancelled trip brought back is checked for overlaps again."""
    if status not in (TripStatus.REGISTERED, TripStatus.DONE, TripStatus.CANCELLED):
        raise ValidationError("Trạng thái không hợp lệ.")
    if status == TripStatus.DONE and trip.starts_on > today():
        raise ValidationError(
            f"Đợt đi cơ sở bắt đầu ngày {trip.starts_on:%d/%m/%Y}: chưa thể xác nhận đã đi."
        )
    if trip.status == TripStatus.REPORTED and status != TripStatus.CANCELLED:
        raise ValidationError("Đợt này đã có báo cáo.")
    if trip.status == TripStatus.CANCELLED and status != TripStatus.CANCELLED:
        cadres = [member.cadre for member in trip.members.select_related("cadre")]
        _lock_cadres(cadres)
        if problems := overlaps(cadres, trip.starts_on, trip.ends_on, trip=trip):
            raise ValidationError(problems)
    trip.status = status
    trip.save_checked(base_version)
    return trip


# Files a report may carry.
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10


@transaction.atomic
def trip_report(*, trip: FieldTrip, base_version: int | None, files: Sequence, user) -> FieldTrip:
    """File the trip's report (its text already set on ``trip``) with new attachments; the trip
    becomes "đã báo cáo". A trip not yet begun has nothing to report."""
    if trip.status == TripStatus.CANCELLED:
        raise ValidationError("Đợt đi cơ sở đã huỷ: không báo cáo.")
    if trip.starts_on > today():
        raise ValidationError(f"Đợt đi cơ sở bắt đầu ngày {trip.starts_on:%d/%m/%Y}: chưa thể báo cáo.")
    if trip.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(f"Mỗi báo cáo tối đa {MAX_ATTACHMENTS} tệp đính kèm.")
    if trip.status != TripStatus.REPORTED:
        trip.reported_at = timezone.now()
        trip.reported_by = user
    trip.status = TripStatus.REPORTED
    trip.save_checked(base_version)
    for upload in files:
        TripAttachment.objects.create(
            trip=trip, file=upload, name=upload.name[:255], size=upload.size, uploaded_by=user
        )
    return trip


# --- Secondments ------------------------------------------------------------------------------

SECONDMENT_NOTE = "Tăng cường cơ sở"


@transaction.atomic
def secondment_save(*, secondment: Secondment, user, base_version: int | None = None) -> Secondment:
    """Save a secondment (new, or edited from a form opened at ``base_version``), with the post
    held in the host unit as a concurrent appointment, and its working days year by year."""
    cadre = secondment.cadre
    _lock_cadres([cadre])
    if cadre.status != CadreStatus.ACTIVE and not secondment.pk:
        raise ValidationError(f"{cadre.full_name} đã thôi công tác: không cử tăng cường cơ sở.")
    if problems := overlaps([cadre], secondment.starts_on, secondment.ends_on, secondment=secondment):
        raise ValidationError(problems)
    if secondment.pk:
        secondment.save_checked(base_version)
    else:
        secondment.created_by = user
        secondment.save()
    _hold_post(secondment)
    _count_years(secondment)
    return secondment


def _hold_post(secondment: Secondment) -> None:
    """The concurrent appointment of the post held in the host unit: open while the secondment
    runs, closed on its last day once it is finished; none when no post is held."""
    appointment = secondment.appointment
    if secondment.position_id is None:
        if appointment is not None:
            secondment.appointment = None
            secondment.save(update_fields=["appointment"])
            appointment.delete()
            cadre_sync_current_post(cadre=secondment.cadre)
        return
    if appointment is None:
        appointment = Appointment(cadre=secondment.cadre, kind=AppointmentKind.CONCURRENT)
    appointment.unit = secondment.host
    appointment.position = secondment.position
    appointment.started_on = secondment.starts_on
    appointment.ended_on = secondment.ends_on if secondment.finished else None
    appointment.decision_number = secondment.decision_number
    appointment.note = SECONDMENT_NOTE
    try:
        appointment.full_clean(exclude=["cadre", "unit", "position"])
    except ValidationError as error:
        raise ValidationError([f"Chức vụ tại cơ sở: {message}" for message in error.messages]) from error
    appointment.save()
    if secondment.appointment_id != appointment.pk:
        secondment.appointment = appointment
        secondment.save(update_fields=["appointment"])
    cadre_sync_current_post(cadre=secondment.cadre)


def _count_years(secondment: Secondment) -> None:
    SecondmentYear.objects.filter(secondment=secondment).delete()
    SecondmentYear.objects.bulk_create(
        SecondmentYear(secondment=secondment, cadre_id=secondment.cadre_id, year=year, days=days)
        for year, days in working_days_by_year(secondment.starts_on, secondment.ends_on).items()
    )


@transaction.atomic
def secondment_finish(*, secondment: Secondment, base_version: int | None) -> Secondment:
    """File the end-of-secondment report (its text already set): the secondment is finished and
    the post held in the host unit ends on its last day."""
    if secondment.starts_on > today():
        raise ValidationError(
            f"Đợt tăng cường bắt đầu ngày {secondment.starts_on:%d/%m/%Y}: chưa thể báo cáo kết thúc."
        )
    secondment.finished = True
    secondment.reported_at = secondment.reported_at or timezone.now()
    secondment.save_checked(base_version)
    _hold_post(secondment)
    _count_years(secondment)
    return secondment


@transaction.atomic
def secondment_delete(*, secondment: Secondment) -> None:
    """Delete a secondment entered by mistake, with the post it created (the history keeps
    both)."""
    appointment = secondment.appointment
    cadre = secondment.cadre
    secondment.delete()
    if appointment is not None:
        appointment.delete()
        cadre_sync_current_post(cadre=cadre)
