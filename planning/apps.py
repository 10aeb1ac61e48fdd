from django.apps import AppConfig


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = "Quy hoạch cán bộ"

    def ready(self):
        from cadres import registry

        from . import dashboard, history, merge, sections

        registry.register_profile_section(
            registry.ProfileSection(
                key="planning",
                title="Quy hoạch",
                icon="diagram-3",
                order=10,
                template="planning/includes/_cadre_section.html",
                provider=sections.cadre_section,
            )
        )
        registry.register_history_source(history.CANDIDACY_SOURCE)
        registry.register_merge_participant(merge.PARTICIPANT)
        registry.register_planned_posts(
            registry.PlannedPosts(key="planning", provider=sections.planned_posts)
        )
        registry.register_dashboard(
            registry.DashboardProvider(key="planning", provider=dashboard.dashboard, order=10)
        )
