"""The dashboard's figures as snapshots (``common.snapshots``): what every app's providers show a
user (``PROVIDERS``: cards, alerts and charts, ``cadres.registry.dashboard_items``) and the
roster's chart figures of their scope (``ROSTER_CHARTS``, ``roster_chart_figures``); and the
actual figure of each target (``MEASURES``, ``reports.metrics.measure``), which the targets'
page and a plan's page read (``measures``), the documents only once it is current.

Computed they take seconds for a province (the "1+2" quota of each cadre, the training needs,
the successions of every key post), so a visit reads the snapshot of the data's previous
version while the task worker computes the new one; the dashboard says when its figures were
computed and reloads itself once the new ones are in (``reports.views.dashboard``). The
roster's own cards and alerts are read live (``roster_figures``: one index-only aggregate).

A dashboard's snapshot is a user's: their scope and role decide what the providers show. The
key holds the user's unit and role, so a user moved to another unit or role starts a new
snapshot. A target's holds its version: an edited target starts a new one."""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest

from accounts.models import User
from cadres import registry
from cadres.models import Cadre
from common import snapshots
from common.models import Snapshot
from common.versions import recorded_version

PROVIDERS, ROSTER_CHARTS, MEASURES = "dashboard", "dashboard-roster-charts", "target-measure"
# Bumped when what a snapshot holds changes shape: the stored ones are then computed again.
FORMAT = 1


def user_argument(user) -> str:
    """The snapshot's argument for ``user``: who, where, with which rights."""
    return f"{user.pk}:{user.unit_id or 0}:{user.role}:{int(user.is_superuser)}"


def providers(user, *, inline: bool = True) -> snapshots.Fetched:
    """Every app's cards, alerts and charts for ``user`` (``registry.DashboardItems``; None
    while the first ones are computed, with ``inline=False``)."""
    return snapshots.fetch(PROVIDERS, user_argument(user), inline=inline)


def roster_charts(user) -> snapshots.Fetched:
    """The roster's chart figures of ``user``'s scope (``roster_chart_figures``)."""
    return snapshots.fetch(ROSTER_CHARTS, user_argument(user))


def data_version(argument: str) -> str:
    """Anything recorded (``recorded_version``), any cadre (``Cadre.data_version``: bulk writes
    of the roster leave their newest ``updated_at``) and the providers registered (an app added
    shows at once)."""
    providers = ",".join(provider.key for provider in registry.dashboard_providers)
    return f"{FORMAT}:{providers}:{recorded_version()}:{Cadre.objects.data_version()}"


def _user(argument: str) -> User | None:
    pk = int(argument.split(":", 1)[0])
    return User.objects.select_related("unit").filter(pk=pk, is_active=True).first()


def _providers(argument: str) -> registry.DashboardItems:
    user = _user(argument)
    if user is None:
        return registry.DashboardItems([], [], [])
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    return registry.dashboard_items(request)


def _roster_charts(argument: str) -> dict | None:
    from .views import dashboard as views  # the views import this module

    user = _user(argument)
    if user is None:
        return None
    return views.roster_chart_figures(Cadre.objects.visible_to(user).active())


@dataclass(frozen=True)
class Measures:
    """The figures of targets by their pk, with the time the oldest was computed and whether
    any is of the data's previous version (being computed again)."""

    by_target: dict
    computed_at: datetime.datetime | None
    stale: bool

    def __getitem__(self, pk: int):
        return self.by_target[pk]

    def get(self, pk: int, default=None):
        return self.by_target.get(pk, default)


def measures(targets, *, fresh: bool = False) -> Measures:
    """The actual figures of ``targets`` as of today from their snapshots (read in one query):
    computed within the request where none is stored yet, or, with ``fresh`` (a document),
    where the data changed since."""
    arguments = {target.pk: f"{target.pk}:{target.version}" for target in targets}
    fetched = snapshots.fetch_many(MEASURES, list(arguments.values()), version=data_version(""), fresh=fresh)
    found = {pk: fetched[argument] for pk, argument in arguments.items()}
    return Measures(
        {pk: one.value for pk, one in found.items()},
        min((one.computed_at for one in found.values()), default=None),
        any(one.stale for one in found.values()),
    )


def _measure(argument: str):
    from .metrics import measure
    from .models import Target

    pk = int(argument.split(":")[0])
    target = Target.objects.select_related("unit").filter(pk=pk).first()
    if target is None:
        return None
    Snapshot.objects.filter(key__startswith=f"{MEASURES}:{pk}:").exclude(
        key=f"{MEASURES}:{argument}"
    ).delete()  # the figures of its earlier versions
    return measure(target)


def register() -> None:
    snapshots.register(snapshots.SnapshotKind(PROVIDERS, _providers, data_version))
    snapshots.register(snapshots.SnapshotKind(ROSTER_CHARTS, _roster_charts, data_version))
    snapshots.register(snapshots.SnapshotKind(MEASURES, _measure, data_version))
