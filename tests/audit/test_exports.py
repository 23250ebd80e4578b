"""Formula injection (issue 10, item 5): every spreadsheet export goes through the one
neutraliser (apps/core/exports.py), so that a cell a user typed starting with = + - @
(or tab, CR) is stored as text, prefixed with ', and never as a formula.

The site walk (tests/audit/site.py) opens every XLSX the pages link to, with the probes'
text in every free-text field, each field with another of those first characters.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from apps.core.exports import safe_cell, xlsx_response

from .site import FORMULA_STARTS

pytestmark = pytest.mark.django_db
APPS = Path(settings.BASE_DIR) / "apps"


def test_no_cell_of_any_export_is_a_formula(site):
    assert site.formulas == []


def test_the_walk_opened_the_exports(site):
    assert {
        "stats/dashboard.xlsx",
        "stats/compare.xlsx",
        "patrols/assessment.xlsx",
        "patrols/assessment/quarter.xlsx",
    } <= site.workbooks


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_is_stored_as_text(start):
    value = f'{start}HYPERLINK("http://x","y")'
    response = xlsx_response(filename="t.xlsx", title="t", headers=[value], rows=[[value, 1]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s"
        # (the file keeps a CR as a line break)
        assert cell.value == "'" + value.replace("\r", "\n")
    assert sheet["B2"].value == 1


def test_plain_text_and_numbers_are_kept_as_they_are():
    assert safe_cell("王小红") == "王小红"
    assert safe_cell(-3) == -3
    assert safe_cell("a=b") == "a=b"


def test_no_app_writes_a_spreadsheet_but_through_the_neutraliser():
    """The collision export is a POST (tested with its formula in tests/registry); every
    other writer of XLSX or CSV would bypass safe_cell. The tests' own workbooks
    (apps/core/testing) are input to the product, not its output."""
    writers = re.compile(r"\bWorkbook\(|csv\.(writer|DictWriter)\(|xlsxwriter")
    found = [
        str(path.relative_to(APPS.parent))
        for path in APPS.rglob("*.py")
        if writers.search(path.read_text())
        and path != APPS / "core" / "exports.py"
        and "testing" not in path.relative_to(APPS).parts
    ]
    assert found == []
