from django import forms
from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin

from .models import Unit


class UnitAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Đơn vị cấp trên",
        help_text="Để trống để tạo đơn vị gốc (chỉ quản trị toàn hệ thống).",
    )

    class Meta:
        model = Unit
        fields = [
            "parent",
            "name",
            "short_name",
            "code",
            "level",
            "kind",
            "sector",
            "is_hardship_area",
            "dissolved_on",
            "note",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.visible_to(user)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = Unit.objects.get_parent(self.instance)
        self.fields["parent"].queryset = parents
        if not user.sees_everything:
            self.fields["parent"].required = True
            self.fields["parent"].help_text = ""


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = UnitAdminForm
    list_display = ["indented_name", "code", "level", "kind", "sector", "numchild", "dissolved_on"]
    list_filter = [
        "level",
        "kind",
        "sector",
        "is_hardship_area",
        ("dissolved_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "short_name", "code"]
    ordering = ["path"]
    list_per_page = 100

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class ScopedForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return ScopedForm

    @admin.display(description="Tên đơn vị", ordering="path")
    def indented_name(self, obj):
        return "— " * (obj.depth - 1) + obj.name

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent")
        if not change:
            if parent is None:
                Unit.objects.add_root(instance=obj)
            else:
                Unit.objects.add_child(parent, instance=obj)
            return
        obj.save()
        if parent != Unit.objects.get_parent(obj):
            if parent is None:
                Unit.objects.move(obj, Unit.objects.get_first_root_node(), "last-sibling")
            else:
                Unit.objects.move(obj, parent, "last-child")

    def has_delete_permission(self, request, obj=None):
        # Units are dissolved (with a date), never deleted: their cadres and history stay readable.
        return request.user.is_superuser
