"""The reports' pages in ``make bench`` (see ``common.benchmarks``)."""

from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage


def pages(context: BenchContext) -> list[BenchPage]:
    return [
        BenchPage(name, "/", user=username, cold=cold)
        for username in (PROVINCE_EDITOR, COMMUNE_EDITOR)
        for name, cold in (("dashboard", False), ("dashboard_cold", True))
    ]
