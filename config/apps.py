"""App configs that give Django admin and django-axes the project's admin site and Vietnamese
section titles (INSTALLED_APPS names these instead of the packages' own)."""

from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django_tasks_db.apps import TasksAppConfig


class AdminConfig(BaseAdminConfig):
    default_site = "config.admin.ProjectAdminSite"


class AxesConfig(BaseAxesConfig):
    verbose_name = "Kiểm soát đăng nhập"


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db, with its admin section in Vietnamese."""

    verbose_name = "Tác vụ nền"
