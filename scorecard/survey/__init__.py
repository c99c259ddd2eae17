"""Survey import: raw answers in a CSV export -> percent positive, composites and mean scores.

``import_survey`` reads an export with an instrument (which question feeds which metric, and
how its answers count), computes each metric for the institution and for each unit of the
audit, suppresses small groups, and writes the aggregates into the audit. No respondent-level
answer is ever written: only counts, percents, means and n.
"""

from __future__ import annotations

from scorecard.survey.columns import csv_header, export_guide
from scorecard.survey.importer import ImportReport, import_survey, open_instrument
from scorecard.survey.instrument import (
    Instrument,
    SurveyUsageError,
    instrument_files,
    load_instrument,
)

__all__ = [
    "ImportReport",
    "Instrument",
    "SurveyUsageError",
    "csv_header",
    "export_guide",
    "import_survey",
    "instrument_files",
    "load_instrument",
    "open_instrument",
]
