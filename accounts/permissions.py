"""Role checks shared by every app's views. Scope (which unit) is the querysets' job;
these only decide what a role may do inside its scope."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def editor_required(view):
    """Writing views: viewers get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_edit:
            raise PermissionDenied("Tài khoản chỉ có quyền xem, không được thay đổi dữ liệu.")
        return view(request, *args, **kwargs)

    return wrapper


def approver_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_approve:
            raise PermissionDenied("Chỉ lãnh đạo có quyền phê duyệt mới thực hiện được thao tác này.")
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_app_admin:
            raise PermissionDenied("Chỉ quản trị viên mới thực hiện được thao tác này.")
        return view(request, *args, **kwargs)

    return wrapper
