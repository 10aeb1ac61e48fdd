"""What ``make bench`` measures, declared by each app in its own ``bench`` module.

An app's ``<app>/bench.py`` has ``pages(context) -> list[BenchPage]``; ``bench/run.py`` finds
the modules of every installed app (as ``seed_demo`` finds the ``demo`` modules), seeds the
demo data at the benchmark's size and times each page as each user the page names. So a page
that lands in a later app is measured from the day it lands: its app adds a line here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The demo users a page is measured as: a province editor and a commune editor.
PROVINCE_EDITOR, COMMUNE_EDITOR = "tinhdoan", "xa"


@dataclass(frozen=True)
class BenchPage:
    name: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    user: str = PROVINCE_EDITOR
    # The page of Django admin doing the same job on the same data, timed in the same run as
    # user ``admin`` (the baseline a user would otherwise have).
    baseline: "BenchPage | None" = None
    runs: int | None = None  # default: BENCH_RUNS
    # Empty the cache before each request: the figures of the first visit after a change,
    # when cached counts and figures (common.lists) must be computed again.
    cold: bool = False
    # Called before each request (a change to the data, say), untimed.
    prepare: Callable[[], None] | None = None


@dataclass(frozen=True)
class BenchWork:
    """Work done outside a request, timed as a call: a snapshot computed by the task worker
    (``common.snapshots``), say. An app's ``bench`` module lists them in ``work(context)``;
    they run before the pages, which then find what they leave (the snapshots computed)."""

    name: str
    run: Callable[[], None]
    user: str = PROVINCE_EDITOR
    runs: int = 3


@dataclass
class BenchContext:
    """What the pages need to know about the benchmark's data, per user: ``for_user(name)``
    gives the user and the app's own lookups made by the pages' functions."""

    cadres: int
    users: dict[str, Any] = field(default_factory=dict)


def bench_pages(context: BenchContext) -> list[BenchPage]:
    """Every app's pages, from the ``bench`` module of each installed app that has one."""
    from .discovery import app_submodules

    return [page for module in app_submodules("bench") for page in module.pages(context)]


def bench_work(context: BenchContext) -> list[BenchWork]:
    """Every app's timed work, from the ``work`` function of the ``bench`` modules that have one."""
    from .discovery import app_submodules

    return [
        work for module in app_submodules("bench") if hasattr(module, "work") for work in module.work(context)
    ]
