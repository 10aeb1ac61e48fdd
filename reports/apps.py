from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self):
        from cadres import registry

        from . import merge, snapshots

        registry.register_merge_participant(merge.PARTICIPANT)
        snapshots.register()
