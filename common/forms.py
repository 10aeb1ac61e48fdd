"""The edit forms' guard against lost updates: the form carries the version it was opened at,
and a save over a newer version is refused with what changed meanwhile."""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.utils.timezone import localtime

from .models import StaleEditError

STALE_MESSAGE = (
    "Chưa lưu: {what} đã được người khác cập nhật trong lúc bạn sửa. "
    "Xem các thay đổi bên dưới, điều chỉnh nếu cần rồi bấm Lưu lại."
)


class VersionedFormMixin(forms.Form):
    """For a ModelForm of a ``common.models.VersionedModel`` (``class F(VersionedFormMixin,
    forms.ModelForm)``), in the app and in admin. A stale form does not validate: its error
    says so and ``stale_changes`` lists the changes; its version is moved to the current one,
    so that submitting it again, once seen, saves deliberately."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    stale_changes = None
    list_changes_in_errors = False  # admin's page has no place of its own for them

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    @property
    def base_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None or self.instance._state.adding:
            return
        # Within a transaction (admin's change view), the row stays locked until the save.
        lock = transaction.get_connection().in_atomic_block
        try:
            self.instance.check_version(self.cleaned_data.get("version"), lock=lock)
        except StaleEditError as error:
            self.refuse_stale(error)

    def refuse_stale(self, error: StaleEditError) -> None:
        """Turn a refused save into the form's error (also when the save itself found it stale)."""
        self.stale_changes = error.changes
        what = getattr(self.instance, "stale_label", None) or f"{self.instance._meta.verbose_name} này"
        self.add_error(None, STALE_MESSAGE.format(what=what))
        if self.list_changes_in_errors:
            for change in error.changes:
                when = f", {localtime(change.when):%H:%M %d/%m/%Y}" if change.when else ""
                self.add_error(None, f"{change.label}: {change.old} → {change.new} ({change.user}{when}).")
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = self.instance.current_version()

    def saved_by(self, save) -> bool:
        """Run ``save()`` (a service saving this form's object): a stale edit or a rule the
        service refuses (``ValidationError``) becomes the form's error, and False."""
        from django.core.exceptions import ValidationError

        try:
            save()
        except StaleEditError as error:
            self.refuse_stale(error)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        else:
            return True
        return False

    def save(self, commit: bool = True):
        """Saved with the version check (``save_checked``) when committed; with ``commit=False``
        the caller saves through ``instance.save_checked(form.base_version)``."""
        if not commit or self.instance._state.adding:
            return super().save(commit)
        with transaction.atomic():
            self.instance.save_checked(self.base_version)
            self._save_m2m()
        return self.instance


class VersionedAdminMixin:
    """For a ModelAdmin of a ``VersionedModel``: its change form carries the version, and a
    stale save is refused like the app's, with what changed listed in the form's errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versioned = issubclass(self.form, VersionedFormMixin)
        bases = (self.form,) if versioned else (VersionedFormMixin, self.form)
        self.form = type(self.form.__name__, bases, {"list_changes_in_errors": True})

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **self._without_version(request, obj, kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # an inline's
        return super().get_formset(request, obj, **self._without_version(request, obj, kwargs))

    def _without_version(self, request, obj, kwargs: dict) -> dict:
        """The version is the form's own field: Django refuses a non-editable model field among
        the fields it builds a model form from."""
        if "fields" in kwargs:
            fields = kwargs["fields"]
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            fields = [name for name in fields if name != "version"]
        return {**kwargs, "fields": fields}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any("version" in options["fields"] for _, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing edited: the version stays, and forms opened elsewhere stay good
        super().save_model(request, obj, form, change)
