"""Django's named formats (`{{ value }}`, admin, `|date`) in the workbench's one set of
styles (apps/core/timefmt.py). Input formats stay Django's for the language."""

from apps.core.timefmt import STYLES

DATE_FORMAT = SHORT_DATE_FORMAT = STYLES["date"]
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = STYLES["datetime"]
TIME_FORMAT = STYLES["time"]
YEAR_MONTH_FORMAT = STYLES["month"]
