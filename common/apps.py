from django.apps import AppConfig


class CommonConfig(AppConfig):
    # No models: the app is installed only so that its template tags and templates load.
    name = "common"
    verbose_name = "Dùng chung"
