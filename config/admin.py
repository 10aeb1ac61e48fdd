"""The project's admin site: Vietnamese titles, the app's login page, and a 403 for every role
but admin (``User.is_staff`` follows the role)."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

ADMINS_ONLY = "Chỉ quản trị viên mới vào được trang quản trị hệ thống."


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results in the words of the model's admin (``autocomplete_label``), e.g.
    units with their parent's name, rather than ``str(obj)``."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(self.model_admin, "autocomplete_label", None):
            result["text"] = label(obj)
        return result


class ProjectAdminSite(admin.AdminSite):
    site_header = "Quản trị hệ thống quản lý cán bộ Đoàn"
    site_title = "Quản trị cán bộ Đoàn"
    index_title = "Quản trị dữ liệu"
    # At 1,366 px the navigation sidebar leaves the lists too narrow; the index and the
    # breadcrumbs lead everywhere it does.
    enable_nav_sidebar = False

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" redirect, for the objects the model's admin shows: for one
        outside the admin's subtree it would say that it exists, and where."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            model_admin = self._registry[model]
            shown = model_admin.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ContentType.DoesNotExist, KeyError, ValueError, ValidationError):
            shown = False
        if not shown:
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def admin_view(self, view, cacheable=False):
        admin_only_view = super().admin_view(view, cacheable)

        @wraps(admin_only_view)
        def refuse_other_roles(request, *args, **kwargs):
            # Django would send a signed-in editor to the admin's login form, as if they could
            # log in there; they cannot, so they get the app's 403 page instead.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(ADMINS_ONLY)
            return admin_only_view(request, *args, **kwargs)

        return refuse_other_roles

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        # One login page for the whole app: the app's own, with its look and its lock-out.
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied(ADMINS_ONLY)
            return redirect(reverse("admin:index", current_app=self.name))
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)
