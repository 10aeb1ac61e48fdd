"""Field-work records in the histories: a cadre's trips and secondments in the cadre's history
(registered in apps.py), and a trip's own changes with its cadres' days on the trip page."""

from cadres import registry

from .models import FieldTrip, Secondment, TripAttachment, TripMember

HIDDEN = frozenset({"report_due_on", "reported_by", "created_by", "appointment"})

TRIP_MEMBER_SOURCE = registry.HistorySource(
    key="fieldwork-trips",
    records=lambda cadre: TripMember.history.filter(cadre_id=cadre.pk).select_related("trip__host"),
    # A deleted trip's records join no trip (the join is an outer one).
    subject=lambda record: (
        f"Đi cơ sở: {record.trip.host.name} ({record.trip.starts_on:%d/%m/%Y})" if record.trip else "Đi cơ sở"
    ),
    order=50,
)

SECONDMENT_SOURCE = registry.HistorySource(
    key="fieldwork-secondments",
    records=lambda cadre: Secondment.history.filter(cadre_id=cadre.pk).select_related("host"),
    subject=lambda record: f"Tăng cường cơ sở: {record.host.name}" if record.host else "Tăng cường cơ sở",
    hidden_fields=HIDDEN,
    order=55,
)


def trip_sources(user) -> list[registry.HistorySource]:
    """The trip's own changes, its cadres' days and its report's files."""
    return [
        registry.HistorySource(
            key="fieldwork-trip",
            records=lambda trip: FieldTrip.history.filter(id=trip.pk),
            subject=lambda record: "Đợt đi cơ sở",
            hidden_fields=HIDDEN,
        ),
        registry.HistorySource(
            key="fieldwork-trip-members",
            records=lambda trip: TripMember.history.filter(trip_id=trip.pk).select_related("cadre"),
            subject=lambda record: f"Cán bộ: {record.cadre.full_name}" if record.cadre_id else "Cán bộ",
        ),
        registry.HistorySource(
            key="fieldwork-trip-files",
            records=lambda trip: TripAttachment.history.filter(trip_id=trip.pk),
            subject=lambda record: f"Tệp đính kèm: {record.name}",
            hidden_fields=frozenset({"file", "uploaded_by"}),
        ),
    ]


def secondment_sources(user) -> list[registry.HistorySource]:
    return [
        registry.HistorySource(
            key="fieldwork-secondment",
            records=lambda secondment: Secondment.history.filter(id=secondment.pk),
            subject=lambda record: "Tăng cường cơ sở",
            hidden_fields=HIDDEN,
        )
    ]
