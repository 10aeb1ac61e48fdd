"""The planning forms. Every choice a form offers is limited to the user's scope, and every
candidate goes through the rules in ``planning.rules`` (``planning.services.add_candidates``)."""

import re

from django import forms
from django.core.exceptions import ValidationError

from cadres.models import Cadre, Position, Unit
from common.dates import today
from common.forms import VersionedFormMixin
from common.widgets import DateInput, SearchableSelect, Select

from .models import FIRST_YEAR, LAST_YEAR, Candidate, Readiness, RemovalReason, SuccessionPlan, Term
from .rules import key_positions
from .services import CandidateRow

MAX_BULK_LINES = 200


class PlanCreateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SuccessionPlan
        fields = ["unit", "term", "note"]
        widgets = {"unit": SearchableSelect, "term": Select, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active().with_parent_name()
        self.fields["unit"].label_from_instance = lambda unit: unit.label
        self.fields["term"].queryset = Term.objects.all()
        self.fields["term"].empty_label = "— Chọn nhiệm kỳ —"
        self.fields["unit"].empty_label = "— Chọn đơn vị —"


class PlanEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SuccessionPlan
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class CandidateAddForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label="Cán bộ",
        queryset=Cadre.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Chọn một cán bộ trong kết quả tìm kiếm.",
            "invalid_choice": "Cán bộ đã chọn không có trong phạm vi đơn vị của bạn hoặc đã thôi công tác.",
        },
    )
    position = forms.ModelChoiceField(
        label="Chức danh quy hoạch", queryset=Position.objects.none(), widget=Select
    )
    readiness = forms.ChoiceField(
        label="Mức độ sẵn sàng", choices=Readiness.choices, initial=Readiness.ONE_TWO, widget=Select
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, plan: SuccessionPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user).active()
        self.fields["position"].queryset = Position.objects.filter(
            pk__in=[p.pk for p in key_positions(plan.unit)]
        )
        self.fields["position"].empty_label = "— Chọn chức danh —"

    def rows(self) -> list[CandidateRow]:
        data = self.cleaned_data
        return [CandidateRow(data["cadre"], data["position"], data["readiness"], data["note"])]


NATIONAL_ID = re.compile(r"(?<!\d)(\d{12})(?!\d)")


class CandidateBulkForm(forms.Form):
    """Many cadres for one post at once, by CCCD: a column pasted from Excel, one per line; the
    rest of each line (a name) is ignored."""

    position = forms.ModelChoiceField(
        label="Chức danh quy hoạch", queryset=Position.objects.none(), widget=Select
    )
    readiness = forms.ChoiceField(
        label="Mức độ sẵn sàng", choices=Readiness.choices, initial=Readiness.ONE_TWO, widget=Select
    )
    lines = forms.CharField(
        label="Số CCCD của các cán bộ",
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "079095001234 Nguyễn Văn A\n079096004321 Trần Thị B"}
        ),
        help_text=(
            f"Mỗi dòng một người: số CCCD (12 chữ số), có thể kèm họ tên. Tối đa {MAX_BULK_LINES} dòng."
        ),
        max_length=MAX_BULK_LINES * 200,
    )

    def __init__(self, *args, plan: SuccessionPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["position"].queryset = Position.objects.filter(
            pk__in=[p.pk for p in key_positions(plan.unit)]
        )
        self.fields["position"].empty_label = "— Chọn chức danh —"

    def clean_lines(self):
        lines = [
            (number, line.strip()) for number, line in enumerate(self.cleaned_data["lines"].splitlines(), 1)
        ]
        lines = [(number, line) for number, line in lines if line]
        if len(lines) > MAX_BULK_LINES:
            raise ValidationError(
                f"Nhiều nhất {MAX_BULK_LINES} dòng mỗi lần; danh sách có {len(lines)} dòng."
            )
        problems, found = [], []
        for number, line in lines:
            match = NATIONAL_ID.search(line)
            if match is None:
                problems.append(f"Dòng {number}: không có số CCCD gồm 12 chữ số.")
            else:
                found.append((number, match.group(1)))
        numbers = [national_id for _, national_id in found]
        cadres = (
            Cadre.objects.visible_to(self.user).in_bulk(numbers, field_name="national_id") if numbers else {}
        )
        seen = {}
        resolved = []
        for number, national_id in found:
            if national_id in seen:
                problems.append(f"Dòng {number}: số CCCD {national_id} trùng với dòng {seen[national_id]}.")
            elif national_id not in cadres:
                problems.append(
                    f"Dòng {number}: không tìm thấy cán bộ có số CCCD {national_id} "
                    "trong phạm vi đơn vị của bạn."
                )
            else:
                resolved.append((number, cadres[national_id]))
            seen.setdefault(national_id, number)
        if problems:
            raise ValidationError(problems)
        return resolved

    def rows(self) -> list[CandidateRow]:
        data = self.cleaned_data
        return [
            CandidateRow(
                cadre, data["position"], data["readiness"], where=f"Dòng {number} ({cadre.full_name})"
            )
            for number, cadre in data["lines"]
        ]


class CandidateImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text=(
            "Một dòng tiêu đề có các cột “Số CCCD”, “Chức danh” (Bí thư, Phó Bí thư…), có thể thêm "
            "“Mức độ sẵn sàng” (Sẵn sàng ngay, 1–2 năm, 3–5 năm) và “Ghi chú”; mỗi dòng dưới là một ứng viên."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, plan: SuccessionPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user

    def clean_file(self):
        from .imports import read_candidates

        upload = self.cleaned_data["file"]
        self.candidate_rows = read_candidates(upload, plan=self.plan, user=self.user)
        return upload

    def rows(self) -> list[CandidateRow]:
        return self.candidate_rows


class CandidateEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["readiness", "note"]
        widgets = {"readiness": Select}


class CandidateRemoveForm(forms.Form):
    reason = forms.ChoiceField(
        label="Lý do đưa ra khỏi quy hoạch",
        choices=[("", "— Chọn lý do —"), *RemovalReason.choices],
        widget=Select,
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_reason:
            del self.fields["reason"]
            del self.fields["note"]


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định phê duyệt", max_length=100)
    decided_on = forms.DateField(label="Ngày quyết định", widget=DateInput)
    approving_body = forms.CharField(
        label="Cấp phê duyệt", max_length=255, help_text="Ví dụ: Ban Thường vụ Tỉnh ủy, Đảng ủy xã."
    )

    def __init__(self, *args, with_body: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_body:
            del self.fields["approving_body"]

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > today():
            raise ValidationError("Ngày quyết định không được sau hôm nay.")
        if day.year < FIRST_YEAR:
            raise ValidationError(f"Ngày quyết định phải từ năm {FIRST_YEAR} trở đi.")
        return day


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Ý kiến trả lại",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Nêu rõ những điểm cần chỉnh sửa.",
    )


class ReviewStartForm(forms.Form):
    year = forms.IntegerField(label="Năm rà soát", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    summary = forms.CharField(
        label="Nội dung rà soát", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
