"""The class list and results imported from a training centre's Excel file: upload, preview,
confirm (``training.imports``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render

from accounts.permissions import editor_required
from common.downloads import file_response, spooled_file
from common.models import StaleEditError

from ..imports import (
    CHANGED,
    MAX_ROWS,
    import_preview,
    import_save,
    preview_token,
    read_rows,
    read_token,
)
from ..results_template import write_template
from .access import get_managed_course, learners_for


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text=(
            "Một dòng tiêu đề có cột “Số CCCD”, có thể thêm “Họ và tên”, “Kết quả”, “Điểm”, “Xếp loại”, "
            "“Giải”, “Số chứng chỉ”, “Ngày cấp”, “Ghi chú”; mỗi dòng dưới là một học viên "
            f"(tối đa {MAX_ROWS})."
        ),
        error_messages={"required": "Chọn tệp Excel (.xlsx) để nhập.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.rows = read_rows(upload)
        return upload


@editor_required
def results_import(request, pk: int):
    """GET: the upload form (``?template=1``: the template, with the class list). POST with a
    file: the preview. POST with the preview's token: the rows checked again, then saved."""
    course = get_managed_course(request.user, pk)
    if request.method == "GET" and request.GET.get("template"):
        out = spooled_file()
        write_template(out, course=course, learners=learners_for(request.user, course, managing=True))
        return file_response(
            out, f"Kết quả học viên – {course.name}.xlsx", ascii_name="ket-qua-hoc-vien.xlsx"
        )
    form = ResultsImportForm()
    preview, problems, notice = None, [], ""
    if request.method == "POST" and "token" in request.POST:
        try:
            rows, seen = read_token(request.POST["token"], course=course, user=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            preview = import_preview(course, rows, user=request.user)
            if preview.ok and preview.seen() != seen:
                notice = CHANGED
            elif preview.ok:
                problems = _save(request, course, preview)
                if not problems:
                    return redirect(course)
    elif request.method == "POST":
        form = ResultsImportForm(request.POST, request.FILES)
        if form.is_valid():
            preview = import_preview(course, form.rows, user=request.user)
    confirmable = preview is not None and preview.ok and not problems
    return render(
        request,
        "training/results_import.html",
        {
            "course": course,
            "form": form,
            "preview": preview,
            "problems": problems or (preview.problems if preview else []),
            "notice": notice,
            "token": preview_token(preview, course=course, user=request.user) if confirmable else "",
        },
    )


def _save(request, course, preview) -> list[str]:
    """Save the preview; what refused it, if anything."""
    try:
        import_save(course, preview, user=request.user)
    except StaleEditError:
        return ["Kết quả của một số học viên vừa được người khác cập nhật: hãy tải tệp lên lại để xem trước."]
    except IntegrityError:
        return ["Danh sách học viên vừa được người khác thay đổi: hãy tải tệp lên lại."]
    except ValidationError as error:
        return error.messages
    done = [f"ghi danh {preview.joining} học viên mới"] if preview.joining else []
    done += [f"cập nhật kết quả của {preview.updating} học viên"] if preview.updating else []
    messages.success(
        request, f"Đã nhập tệp kết quả: {', '.join(done)}." if done else "Tệp không thay đổi kết quả nào."
    )
    return []
