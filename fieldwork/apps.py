from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fieldwork"
    verbose_name = "Đi cơ sở và đánh giá"

    def ready(self):
        from cadres import registry

        from . import dashboard, history, merge, sections, signals  # noqa: F401 (signals: receivers)
        from .evaluation import hooks as evaluation

        registry.register_profile_section(
            registry.ProfileSection(
                key="fieldwork-trips",
                title="Đi cơ sở",
                icon="geo-alt",
                order=30,
                template="fieldwork/includes/_cadre_trips.html",
                provider=sections.trips_section,
            )
        )
        registry.register_profile_section(
            registry.ProfileSection(
                key="fieldwork-evaluations",
                title="Đánh giá, xếp loại",
                icon="clipboard-check",
                order=40,
                template="fieldwork/includes/_cadre_evaluations.html",
                provider=sections.evaluations_section,
            )
        )
        registry.register_history_source(history.TRIP_MEMBER_SOURCE)
        registry.register_history_source(history.SECONDMENT_SOURCE)
        registry.register_merge_participant(merge.PARTICIPANT)
        registry.register_dashboard(
            registry.DashboardProvider(key="fieldwork", provider=dashboard.dashboard, order=30)
        )
        registry.register_history_source(evaluation.HISTORY_SOURCE)
        registry.register_merge_participant(evaluation.MERGE_PARTICIPANT)
        registry.register_dashboard(
            registry.DashboardProvider(key="fieldwork-evaluations", provider=evaluation.dashboard, order=35)
        )
        registry.register_ratings(registry.RatingsProvider(key="fieldwork", provider=evaluation.ratings))
