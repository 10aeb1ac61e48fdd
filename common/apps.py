from django.apps import AppConfig


class CommonConfig(AppConfig):
    # No concrete models (one abstract base, VersionedModel): the app is installed so that its
    # template tags and templates load.
    name = "common"
    verbose_name = "Dùng chung"
