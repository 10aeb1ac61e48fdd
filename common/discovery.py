"""Modules that every installed app may have under one name (``demo``, ``bench``): found by name,
so that no app imports one above it."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_submodules(name: str) -> list[ModuleType]:
    """Each installed app's ``<app>.<name>`` module, where it has one, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{name}"
        if find_spec(config.name) and find_spec(dotted):
            modules.append(import_module(dotted))
    return modules
