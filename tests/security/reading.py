"""What a person reads in an answer: the visible text of a page (with the texts the browser
shows from attributes: placeholders, tooltips, labels for screen readers, buttons), the
cells of a workbook, the text of a PDF. Machine values (scripts, hidden inputs, URLs) are
not read."""

import io
import json
from html.parser import HTMLParser

from openpyxl import load_workbook
from pypdf import PdfReader

from .probe import API_NAMES, client_for, url_of

# Attributes a browser shows to the person (as a tooltip, inside a field, read aloud).
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Elements whose content is not text on the page.
NOT_SHOWN = {"script", "style", "template", "noscript"}
ADMIN_ICONS = "/admin/img/icon-"


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_SHOWN:
            self._hidden += 1
        values = dict(attrs)
        if tag == "img" and ADMIN_ICONS in (values.get("src") or ""):
            # Django admin writes its yes/no icons' text as Python's True/False, untranslatable.
            values.pop("alt", None)
        self.parts += [values[a] for a in SHOWN_ATTRIBUTES if values.get(a)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in NOT_SHOWN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def page_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.parts)


def answer_text(response) -> str:
    """The text of any answer the walks open: a page, JSON, a workbook, a PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if kind.startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    if kind.startswith("text/html"):
        return page_text(body.decode())
    return ""


def get(scene, persona: str, route, **headers):
    """GET one declared route as a persona (pages with the session, the API with the
    persona's device token)."""
    client = client_for(scene, persona, api=route.name in API_NAMES)
    return client.get(url_of(route, scene), **headers)
