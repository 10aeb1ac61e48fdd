from django.apps import AppConfig


class CommonConfig(AppConfig):
    # The abstract base of edited models (VersionedModel), the snapshots of costly figures
    # (Snapshot, common.snapshots), the template tags and templates every app uses.
    name = "common"
    verbose_name = "Dùng chung"
