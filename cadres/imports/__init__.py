"""Import of the cadre roster from Excel: one code path for the web page and ``import_cadres``.

Read the sheet (``sheet``) → read every cell (``cells``) → check every row against the database,
writing nothing → a plan of what will be created and updated → commit it all or nothing
(``service``). The file is checked again at commit time, because the database may have changed
since the preview. ``jobs`` keeps the web page's uploads and their progress.
"""

from .cells import (
    COLUMN_LABELS,
    COLUMNS,
    LANGUAGE_LEVEL_CODES,
    SAMPLE_FULL_NAME,
    SAMPLE_NATIONAL_ID,
    header_key,
)
from .jobs import ImportJob, JobStatus
from .service import (
    Action,
    ImportPlan,
    PlannedRow,
    Problem,
    cadre_import_check,
    cadre_import_commit,
    scope_units,
)
from .sheet import ImportFileError, check_upload, estimate_rows, read_sheet

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS",
    "LANGUAGE_LEVEL_CODES",
    "SAMPLE_FULL_NAME",
    "SAMPLE_NATIONAL_ID",
    "Action",
    "ImportFileError",
    "ImportJob",
    "ImportPlan",
    "JobStatus",
    "PlannedRow",
    "Problem",
    "cadre_import_check",
    "cadre_import_commit",
    "check_upload",
    "estimate_rows",
    "header_key",
    "read_sheet",
    "scope_units",
]
