from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Đào tạo, bồi dưỡng"

    def ready(self):
        from cadres import registry

        from . import sections

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
