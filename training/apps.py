from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Đào tạo, bồi dưỡng"

    def ready(self):
        from cadres import registry

        from . import history, merge, sections

        registry.register_profile_section(
            registry.ProfileSection(
                key="training",
                title="Đào tạo, bồi dưỡng",
                icon="mortarboard",
                order=20,
                template="training/includes/_cadre_section.html",
                provider=sections.cadre_section,
            )
        )
        registry.register_cv_rows(
            registry.CvRows(key="training", table="training", provider=sections.cv_rows)
        )
        registry.register_history_source(history.ENROLLMENT_SOURCE)
        registry.register_merge_participant(merge.PARTICIPANT)
        registry.register_dashboard(
            registry.DashboardProvider(key="training", provider=sections.dashboard, order=20)
        )
