from django.apps import AppConfig


class UnitsConfig(AppConfig):
    """The organisation tree (đơn vị) and the one rule of scope: the base every app builds on."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "units"
    verbose_name = "Đơn vị"
