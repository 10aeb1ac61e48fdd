"""Unit merges (sáp nhập): units A, B… become C, an existing unit or a new one, at an
effective date. Who may do it, the form, the preview of what will move, and the workflow."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalChanges

from accounts.models import Role, User
from common.widgets import DateInput, SearchableSelect, SearchableSelectMultiple

from . import registry
from .forms import UnitChoiceField, UnitMultipleChoiceField
from .models import Appointment, AppointmentKind, Cadre, CadreStatus, Unit, UnitKind, UnitLevel, UnitMerge
from .services import cadre_sync_current_post
from .standards import StandardBook

# What the merge does with each model that points at a unit. Other apps claim theirs through
# registry.MergeParticipant (``models`` they move, ``kept`` they leave); merge_coverage() puts
# it all together and tests/cadres/test_registry.py fails on a model pointing at Unit that
# nobody claims.
MOVED_BY_CADRES = {
    Appointment: "open posts are closed on the effective date and reopened in the target",
    Cadre: "active cadres follow their open posts, or move directly",
    Unit: "the tree's own links: the sources' children move under the target (materialized "
    "paths, Unit.objects.move) and the sources are marked dissolved",
}
KEPT_BY_CADRES = {
    UnitMerge: "the record of a merge names the units as they were merged",
    User: "listed on the preview, not moved: an account's unit decides what its owner may see, "
    "so an administrator reassigns it",
}
HISTORY_KEPT = "history records keep the unit a row had at the time"


def can_merge_units(user) -> bool:
    """Admins, and editors or approvers of a province-level unit (tỉnh đoàn and equivalents)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_app_admin:
        return True
    return (
        user.role in {Role.EDITOR, Role.APPROVER}
        and user.unit_id is not None
        and user.unit.level == UnitLevel.PROVINCE
    )


@dataclass
class MergePlan:
    """What a merge will move, computed before anything changes (the preview page)."""

    sources: list[Unit]
    target: Unit | None
    new_target: dict | None
    parent: Unit | None
    effective_on: datetime.date
    appointments: list[Appointment] = field(default_factory=list)
    cadres: list[Cadre] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    shared_posts: list[tuple[str, int]] = field(default_factory=list)
    # What each other app will move: (participant, its preview lines).
    participants: list[tuple[registry.MergeParticipant, list[registry.MergePreviewLine]]] = field(
        default_factory=list
    )

    @property
    def target_name(self) -> str:
        return self.target.label if self.target else self.new_target["name"]

    @property
    def level(self) -> str:
        return self.sources[0].level


def unit_merge_plan(
    *,
    sources: list[Unit],
    target: Unit | None,
    new_target: dict | None,
    parent: Unit | None,
    effective_on: datetime.date,
    user,
) -> MergePlan:
    """Check the merge is allowed and list what it will move. Raises ValidationError with
    every reason it is refused; changes nothing."""
    _check(sources=sources, target=target, new_target=new_target, parent=parent, user=user)
    source_ids = [unit.pk for unit in sources]
    plan = MergePlan(
        sources=sources,
        target=target,
        new_target=new_target,
        parent=parent,
        effective_on=effective_on,
        appointments=list(
            Appointment.objects.open()
            .filter(unit__in=source_ids)
            .select_related("cadre", "unit", "position")
            .order_by("unit__path", "position__order", "cadre__full_name", "pk")
        ),
        cadres=list(
            Cadre.objects.filter(unit__in=source_ids, status=CadreStatus.ACTIVE)
            .select_related("unit", "position")
            .order_by("unit__path", "full_name", "pk")
        ),
        children=[child for unit in sources for child in Unit.objects.get_children(unit).with_parent_name()],
        users=list(User.objects.filter(unit__in=source_ids, is_active=True).select_related("unit")),
    )
    plan.shared_posts = _shared_key_posts(plan)
    plan.participants = [
        (participant, participant.preview(plan)) for participant in registry.merge_participants
    ]
    # Rows of the preview name their unit with its parent's name, from the sources at hand.
    sources_by_id = {unit.pk: unit for unit in sources}
    for row in [*plan.cadres, *plan.appointments]:
        row.unit = sources_by_id.get(row.unit_id, row.unit)
    return plan


def _shared_key_posts(plan: MergePlan) -> list[tuple[str, int]]:
    """Key posts (Bí thư, Phó Bí thư…) that several people will hold in the merged unit: the
    new unit's leadership is then to be settled (kiện toàn), which the preview points out."""
    moved = [a for a in plan.appointments if not a.is_concurrent]
    present = []
    if plan.target is not None:
        present = list(
            plan.target.appointments.open()
            .exclude(kind=AppointmentKind.CONCURRENT)
            .select_related("position")
        )
    counts: dict[str, int] = {}
    for appointment in [*present, *moved]:
        if appointment.position.is_key:
            counts[appointment.position.name] = counts.get(appointment.position.name, 0) + 1
    return [(name, count) for name, count in counts.items() if count > 1]


def _check(*, sources, target, new_target, parent, user) -> None:
    if not can_merge_units(user):
        raise ValidationError("Bạn không có quyền sáp nhập đơn vị.")
    if not sources:
        raise ValidationError("Chọn ít nhất một đơn vị được sáp nhập.")
    if (target is None) == (new_target is None):
        raise ValidationError("Chọn đơn vị nhận sáp nhập hoặc khai báo một đơn vị mới (chỉ một trong hai).")
    errors = []
    involved = [*sources, *filter(None, [target, parent])]
    visible = set(
        Unit.objects.visible_to(user).filter(pk__in=[u.pk for u in involved]).values_list("pk", flat=True)
    )
    for unit in involved:
        if unit.pk not in visible:
            errors.append(f"Đơn vị “{unit.name}” nằm ngoài phạm vi quản lý của bạn.")
    for unit in filter(None, [*sources, target, parent]):
        if not unit.is_active:
            errors.append(f"Đơn vị “{unit.name}” đã giải thể ngày {unit.dissolved_on:%d/%m/%Y}.")
    errors += _tree_errors(sources, target, parent)
    levels = {unit.level for unit in sources}
    if len(levels) > 1:
        errors.append("Các đơn vị được sáp nhập phải cùng một cấp.")
    elif target is not None and target.level not in levels:
        errors.append(
            f"Đơn vị nhận sáp nhập ({target.get_level_display().lower()}) phải cùng cấp với các đơn vị "
            f"được sáp nhập ({sources[0].get_level_display().lower()})."
        )
    if new_target is not None:
        errors += _new_target_errors(new_target, parent)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))


def _tree_errors(sources, target, parent) -> list[str]:
    errors = []
    for source in sources:
        if target is not None and source.pk == target.pk:
            errors.append(f"Đơn vị “{source.name}” vừa là đơn vị được sáp nhập vừa là đơn vị nhận.")
        elif target is not None and target.is_within(source):
            errors.append(f"Đơn vị nhận “{target.name}” trực thuộc đơn vị được sáp nhập “{source.name}”.")
        if parent is not None and parent.is_within(source):
            errors.append(f"Đơn vị cấp trên “{parent.name}” thuộc đơn vị được sáp nhập “{source.name}”.")
        for other in sources:
            if other.pk != source.pk and other.is_within(source):
                errors.append(f"Đơn vị “{other.name}” trực thuộc “{source.name}”: chỉ chọn đơn vị cùng cấp.")
    return errors


def _new_target_errors(new_target: dict, parent) -> list[str]:
    errors = []
    if parent is None:
        errors.append("Chọn đơn vị cấp trên của đơn vị mới.")
    if not new_target.get("name", "").strip() or not new_target.get("code", "").strip():
        errors.append("Nhập tên và mã của đơn vị mới.")
    elif Unit.objects.filter(code__iexact=new_target["code"].strip()).exists():
        errors.append(f"Mã đơn vị “{new_target['code'].strip()}” đã được dùng.")
    if new_target.get("kind") not in UnitKind.values:
        errors.append("Chọn loại hình của đơn vị mới.")
    return errors


@transaction.atomic
def unit_merge(
    *,
    sources: list[Unit],
    target: Unit | None,
    new_target: dict | None,
    parent: Unit | None,
    effective_on: datetime.date,
    decision_number: str,
    user,
) -> UnitMerge:
    """Merge ``sources`` into ``target`` (or into a new unit under ``parent``) on ``effective_on``.

    Open posts in the sources are closed on that date and reopened in the target with the
    same position and kind; active cadres of the sources move to the target; the sources'
    children move under it; the sources are marked dissolved and stay readable. Then each
    registered merge participant moves its own rows. All or nothing.
    """
    # Lock the rows and re-read them: the check must see what is committed now, not the form's copy.
    source_ids = [unit.pk for unit in sources]
    sources = list(Unit.objects.select_for_update().filter(pk__in=source_ids).order_by("path"))
    if len(sources) != len(set(source_ids)):
        raise ValidationError("Một đơn vị được chọn không còn tồn tại.")
    target = Unit.objects.select_for_update().get(pk=target.pk) if target else None
    parent = Unit.objects.get(pk=parent.pk) if parent else None
    plan = unit_merge_plan(
        sources=sources,
        target=target,
        new_target=new_target,
        parent=parent,
        effective_on=effective_on,
        user=user,
    )
    if target is None:
        target = _create_target(plan)
    moved_appointments = _move_appointments(plan, target)
    moved_cadres = _move_cadres(plan, target)
    for child in plan.children:
        # Fresh rows each time: every move rewrites paths and child counts.
        Unit.objects.move(Unit.objects.get(pk=child.pk), Unit.objects.get(pk=target.pk), "last-child")
    for source in Unit.objects.filter(pk__in=source_ids):
        source.dissolved_on = effective_on
        source.save()
    merge = UnitMerge.objects.create(
        target=target,
        effective_on=effective_on,
        decision_number=decision_number,
        moved_appointments=moved_appointments,
        moved_cadres=moved_cadres,
        moved_children=len(plan.children),
        performed_by=user,
    )
    merge.sources.set(source_ids)
    for participant in registry.merge_participants:
        participant.move(merge=merge, sources=plan.sources, target=target)
    return merge


def merge_coverage() -> dict[type[models.Model], str]:
    """Every model the merge accounts for, with what happens to its rows: moved by cadres, kept
    on purpose, or claimed by a registered participant. A model claimed twice is an error."""
    coverage = {model: f"cadres moves it: {why}" for model, why in MOVED_BY_CADRES.items()}
    coverage |= {model: f"kept: {why}" for model, why in KEPT_BY_CADRES.items()}
    for participant in registry.merge_participants:
        claims = dict.fromkeys(participant.models, f"{participant.key} moves it")
        claims |= {model: f"kept by {participant.key}: {why}" for model, why in participant.kept.items()}
        for model, claim in claims.items():
            if model in coverage:
                raise ImproperlyConfigured(
                    f"{model._meta.label} is claimed twice: {coverage[model]}; {claim}."
                )
            coverage[model] = claim
    return coverage


def merge_claim(model: type[models.Model]) -> str | None:
    """What the merge does with ``model``'s rows, or None when nobody decided."""
    if issubclass(model, HistoricalChanges):
        return f"kept: {HISTORY_KEPT}"
    return merge_coverage().get(model)


def _create_target(plan: MergePlan) -> Unit:
    data = plan.new_target
    unit = Unit(
        name=data["name"],
        code=data["code"].strip(),
        short_name=data.get("short_name", ""),
        kind=data["kind"],
        level=plan.level,
        sector=data.get("sector", "") or plan.sources[0].sector,
        is_hardship_area=any(source.is_hardship_area for source in plan.sources),
    )
    return Unit.objects.add_child(Unit.objects.get(pk=plan.parent.pk), instance=unit)


def _move_appointments(plan: MergePlan, target: Unit) -> int:
    """Close each open post of a source and open the same post in the target. A post that
    starts on or after the effective date has no history to close: it is simply re-pointed."""
    for old in plan.appointments:
        note = f"Sáp nhập từ {old.unit.name}"
        if old.started_on >= plan.effective_on:
            old.unit, old.note = target, _join(old.note, note)
            old.save()
            continue
        old.ended_on = plan.effective_on
        old.save()
        Appointment.objects.create(
            cadre=old.cadre,
            unit=target,
            position=old.position,
            kind=old.kind,
            started_on=plan.effective_on,
            decision_number=old.decision_number,
            note=note,
        )
    return len(plan.appointments)


def _move_cadres(plan: MergePlan, target: Unit) -> int:
    """The cadres of the sources follow their open posts; those without one move directly."""
    source_ids = {source.pk for source in plan.sources}
    with StandardBook.shared():
        _move_each(plan.cadres, source_ids, target)
    return len(plan.cadres)


def _move_each(cadres, source_ids: set[int], target: Unit) -> None:
    for cadre in cadres:
        cadre_sync_current_post(cadre=cadre)
        if cadre.unit_id in source_ids:
            cadre.unit = target
            cadre.save()


def _join(*notes: str) -> str:
    return ". ".join(note for note in notes if note)[:255]


class UnitMergeForm(forms.Form):
    """The merge request. Every unit choice is limited to the user's scope and to active units."""

    EXISTING, NEW = "existing", "new"

    sources = UnitMultipleChoiceField(
        label="Các đơn vị được sáp nhập",
        show_code=True,
        queryset=Unit.objects.none(),
        widget=SearchableSelectMultiple(),
        help_text="Các đơn vị sẽ được đánh dấu giải thể từ ngày hiệu lực.",
    )
    mode = forms.ChoiceField(
        label="Sáp nhập vào",
        choices=[(EXISTING, "Một đơn vị đã có"), (NEW, "Một đơn vị mới thành lập")],
        initial=EXISTING,
        widget=forms.RadioSelect,
    )
    target = UnitChoiceField(
        label="Đơn vị nhận sáp nhập",
        show_code=True,
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn đơn vị —",
        widget=SearchableSelect(),
    )
    new_name = forms.CharField(label="Tên đơn vị mới", max_length=255, required=False)
    new_code = forms.CharField(label="Mã đơn vị mới", max_length=32, required=False)
    new_kind = forms.ChoiceField(
        label="Loại hình", choices=[("", "— Chọn loại hình —"), *UnitKind.choices], required=False
    )
    parent = UnitChoiceField(
        label="Trực thuộc đơn vị",
        show_code=True,
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn đơn vị cấp trên —",
        widget=SearchableSelect(),
    )
    effective_on = forms.DateField(label="Ngày hiệu lực", widget=DateInput())
    decision_number = forms.CharField(
        label="Số quyết định / nghị quyết", max_length=100, help_text="Ví dụ: 123-QĐ/TĐTN"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.visible_to(user).active()
        for name in ("sources", "target", "parent"):
            self.fields[name].queryset = units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("effective_on"):
            try:  # the date's rules are those of the merge's record
                UnitMerge(effective_on=cleaned["effective_on"]).clean()
            except ValidationError as error:
                self.add_error(None, error)  # on the field it names
        if self.errors:
            return cleaned
        if cleaned["mode"] == self.EXISTING:
            if not cleaned.get("target"):
                self.add_error("target", "Chọn đơn vị nhận sáp nhập.")
        else:
            for name in ("new_name", "new_code", "new_kind", "parent"):
                if not cleaned.get(name):
                    self.add_error(name, "Trường này là bắt buộc khi thành lập đơn vị mới.")
        if not self.errors:
            try:
                self.plan = unit_merge_plan(user=self.user, **self.merge_arguments(cleaned))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def merge_arguments(self, cleaned=None) -> dict:
        cleaned = cleaned or self.cleaned_data
        existing = cleaned["mode"] == self.EXISTING
        return {
            "sources": list(cleaned["sources"]),
            "target": cleaned.get("target") if existing else None,
            "new_target": None
            if existing
            else {"name": cleaned["new_name"], "code": cleaned["new_code"], "kind": cleaned["new_kind"]},
            "parent": None if existing else cleaned.get("parent"),
            "effective_on": cleaned["effective_on"],
        }
