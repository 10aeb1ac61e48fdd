from django.apps import AppConfig


class CadresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cadres"
    verbose_name = "Cán bộ và đơn vị"

    def ready(self):
        from . import derived  # noqa: F401 (its receivers keep the derived columns in step)
