"""What a reader of a PDF gets, for the tests: the fonts it carries (poppler's `pdffonts`)
and its pages as PNG images (`pdftoppm`), from Debian's poppler-utils."""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from apps.core.pdf import FONT


@dataclass(frozen=True)
class PdfFont:
    name: str  # as the PDF names it: a subset has a six-letter prefix, "AAAAAA+…"
    embedded: bool
    subset: bool
    unicode: bool  # a ToUnicode map: the text can be copied and searched


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} not found: apt-get install poppler-utils"
    return path


def pdf_fonts(body: bytes) -> list[PdfFont]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(body)
        file.flush()
        out = subprocess.run(
            [_poppler("pdffonts"), file.name], capture_output=True, text=True, check=True
        ).stdout
    fonts = []
    # Two header lines, then: name type… encoding emb sub uni object-id generation.
    for line in out.splitlines()[2:]:
        words = line.split()
        emb, sub, uni = words[-5:-2]
        fonts.append(PdfFont(words[0], emb == "yes", sub == "yes", uni == "yes"))
    return fonts


def assert_workbench_font_only(body: bytes) -> None:
    """Every font of the PDF is the workbench's, embedded as a subset with its Unicode map
    (none that a reader would have to substitute)."""
    fonts = pdf_fonts(body)
    assert fonts, "the PDF draws no text"
    for font in fonts:
        assert font.name.split("+")[-1].startswith(FONT), font
        assert font.embedded and font.subset and font.unicode, font


def pdf_pages_png(body: bytes, prefix: Path, *, dpi: int = 80) -> list[Path]:
    """Render every page to `<prefix>-<n>.png` (to look at) and return the files."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    pdf = prefix.with_suffix(".pdf")
    pdf.write_bytes(body)
    subprocess.run(
        [_poppler("pdftoppm"), "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True
    )
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
